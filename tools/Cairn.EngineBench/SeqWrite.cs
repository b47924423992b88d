using System.Diagnostics;

namespace Cairn.EngineBench;

/// <summary>
/// Sequential 1 MiB shards, one writer, each acknowledged (durable) before the next, against a plain
/// FileStream loop that writes the same 1 MiB buffers and fsyncs after each one: the same fsync cadence.
/// </summary>
internal static class SeqWrite
{
    private const int Block = 1 << 20;
    private const int SliceMiB = 4;

    public static async Task<Comparison> RunAsync(string root, BenchOptions options)
    {
        byte[] data = new byte[Block];
        new Random(1).NextBytes(data);
        uint crc = EngineHarness.Crc(data);
        var ours = new List<double>();
        var raw = new List<double>();
        string engineDir = Path.Combine(root, "seqwrite-engine");
        using var engine = EngineHarness.Open(engineDir);
        for (int round = 0; round < options.Rounds; round++)
        {
            // Slices of 4 MiB alternate between the engine and the raw file; each keeps its own clock.
            var clock = new Interleaved();
            string rawPath = Path.Combine(root, $"seqwrite-raw-{round}");
            using (var file = new FileStream(rawPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                for (int i = 0; i < options.WriteMiB; i += SliceMiB)
                {
                    int first = i;
                    await clock.OursAsync(async () =>
                    {
                        for (int j = first; j < first + SliceMiB; j++)
                        {
                            await EngineHarness.PutAsync(engine, $"r{round}-s{j}", data, crc);
                        }
                    });
                    clock.Raw(() =>
                    {
                        for (int j = 0; j < SliceMiB; j++)
                        {
                            file.Write(data);
                            file.Flush(flushToDisk: true);
                        }
                    });
                }
            }

            File.Delete(rawPath);
            int written = (options.WriteMiB + SliceMiB - 1) / SliceMiB * SliceMiB;
            ours.Add(written / clock.OursSeconds);
            raw.Add(written / clock.RawSeconds);
        }

        return new Comparison("seqwrite 1MiB", "MiB/s", ours, raw, "one writer, 1 fsync'd ack per MiB; raw = FileStream write+fsync per MiB");
    }
}
