using System.Diagnostics;

namespace Cairn.EngineBench;

/// <summary>
/// Small durable shards from many writers at once: what group commit buys. The yardstick is one 4 KiB
/// write + fsync per shard from one thread, the bound a one-fsync-per-shard store cannot beat on one disk;
/// here a ratio above 1 is the gain. Also reports fsyncs per shard (1 per batch, plus index log catch-ups).
/// </summary>
internal static class GroupCommit
{
    private const int Size = 4096;

    public static async Task<Comparison> RunAsync(string root, BenchOptions options)
    {
        using var engine = EngineHarness.Open(Path.Combine(root, "groupcommit-engine"));
        var ours = new List<double>();
        var raw = new List<double>();
        double fsyncsPerShard = 0;
        for (int round = 0; round < options.Rounds; round++)
        {
            var before = engine.Stats;
            long shards = 0;
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, options.Writers).Select(w => Task.Run(async () =>
            {
                byte[] data = new byte[Size];
                new Random((round * 1000) + w).NextBytes(data);
                uint crc = EngineHarness.Crc(data);
                for (int i = 0; sw.Elapsed.TotalSeconds < options.ReadSeconds; i++)
                {
                    await EngineHarness.PutAsync(engine, $"g{round}-w{w}-{i}", data, crc);
                    Interlocked.Increment(ref shards);
                }
            })));
            ours.Add(shards / sw.Elapsed.TotalSeconds);
            var after = engine.Stats;
            // One extent fsync per batch (its commit frame is in the extent), plus the index log's catch-up fsyncs.
            long fsyncs = after.CommitBatches - before.CommitBatches + after.IndexLogFlushes - before.IndexLogFlushes;
            fsyncsPerShard = (double)fsyncs / Math.Max(1, after.CommitRequests - before.CommitRequests);
            raw.Add(RawRound(Path.Combine(root, $"groupcommit-raw-{round}"), options.ReadSeconds));
        }

        return new Comparison($"put 4KiB c={options.Writers}", "shards/s", ours, raw,
            $"durable puts, {fsyncsPerShard:0.00} fsyncs/shard; raw = one 4 KiB write+fsync per shard, one thread; higher ratio is better");
    }

    private static double RawRound(string path, double seconds)
    {
        byte[] data = new byte[Size];
        long ops = 0;
        var sw = Stopwatch.StartNew();
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                file.Write(data);
                file.Flush(flushToDisk: true);
                ops++;
            }
        }

        double rate = ops / sw.Elapsed.TotalSeconds;
        File.Delete(path);
        return rate;
    }
}
