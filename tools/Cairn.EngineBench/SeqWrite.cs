using System.Diagnostics;

namespace Cairn.EngineBench;

/// <summary>
/// Sequential 1 MiB shards, one writer, each acknowledged (durable) before the next, against a plain
/// FileStream loop that writes the same 1 MiB buffers and fsyncs after each one: the same fsync cadence.
/// </summary>
internal static class SeqWrite
{
    private const int Block = 1 << 20;

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
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < options.WriteMiB; i++)
            {
                await EngineHarness.PutAsync(engine, $"r{round}-s{i}", data, crc);
            }

            ours.Add(options.WriteMiB / sw.Elapsed.TotalSeconds);
            raw.Add(RawRound(Path.Combine(root, $"seqwrite-raw-{round}"), data, options.WriteMiB));
        }

        return new Comparison("seqwrite 1MiB", "MiB/s", ours, raw, "one writer, 1 fsync'd ack per MiB; raw = FileStream write+fsync per MiB");
    }

    private static double RawRound(string path, byte[] data, int mib)
    {
        var sw = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            for (int i = 0; i < mib; i++)
            {
                file.Write(data);
                file.Flush(flushToDisk: true);
            }
        }

        double rate = mib / sw.Elapsed.TotalSeconds;
        File.Delete(path);
        return rate;
    }
}
