using System.Diagnostics;

namespace Cairn.EngineBench;

/// <summary>
/// Random 4 KiB shard reads through the engine (index lookup, one pread, CRC check; the small-shard fast
/// path, as the node's read endpoint takes it) against raw
/// pread of 4 KiB at random offsets of a file holding the same number of 4 KiB records. Both data sets
/// are read once before measuring, so both are served from the same page cache: the engine's overhead
/// per read is what is compared, not the disk's seek time.
/// </summary>
internal static class RandRead
{
    private const int Size = 4096;
    private const int Slice = 64;

    public static async Task<Comparison> RunAsync(string root, BenchOptions options)
    {
        int count = options.ReadShards;
        string[] ids = [.. Enumerable.Range(0, count).Select(i => $"read-{i:D6}")];
        using var engine = EngineHarness.Open(Path.Combine(root, "randread-engine"));
        await Populate(engine, ids, options.Writers);
        string rawPath = Path.Combine(root, "randread-raw");
        WriteRawFile(rawPath, count);
        using var raw = File.OpenHandle(rawPath, FileMode.Open, FileAccess.Read);

        byte[] buffer = new byte[Size];
        long sink = 0;
        foreach (string id in ids)
        {
            sink += await ReadShard(engine, id);
        }

        for (int i = 0; i < count; i++)
        {
            sink += RandomAccess.Read(raw, buffer, (long)i * Size);
        }

        var ours = new List<double>();
        var rawRates = new List<double>();
        var random = new Random(2);
        for (int round = 0; round < options.Rounds; round++)
        {
            // Slices of 64 reads alternate between the engine and raw pread; each keeps its own clock.
            var clock = new Interleaved();
            long ops = 0;
            var wall = Stopwatch.StartNew();
            while (wall.Elapsed.TotalSeconds < 2 * options.ReadSeconds)
            {
                await clock.OursAsync(async () =>
                {
                    for (int k = 0; k < Slice; k++)
                    {
                        sink += await ReadShard(engine, ids[random.Next(count)]);
                    }
                });
                clock.Raw(() =>
                {
                    for (int k = 0; k < Slice; k++)
                    {
                        sink += RandomAccess.Read(raw, buffer, (long)random.Next(count) * Size);
                    }
                });
                ops += Slice;
            }

            ours.Add(ops / clock.OursSeconds);
            rawRates.Add(ops / clock.RawSeconds);
        }

        GC.KeepAlive(sink);
        return new Comparison("randread 4KiB", "reads/s", ours, rawRates, $"one reader, {count} shards, page cache warm for both; raw = pread");
    }

    /// <summary>One read as the node's bulk read endpoint does it: the fast path for a small shard, else the stream.</summary>
    private static ValueTask<int> ReadShard(Cairn.StorageNode.Shards.Engine.ShardEngine engine, string id)
    {
        if (engine.TryReadWhole(id, out var whole))
        {
            using (whole)
            {
                return ValueTask.FromResult(whole.Block.Data.Length);
            }
        }

        return ReadStream(engine, id);
    }

    private static async ValueTask<int> ReadStream(Cairn.StorageNode.Shards.Engine.ShardEngine engine, string id)
    {
        int bytes = 0;
        await using var stream = await engine.OpenReadAsync(id, CancellationToken.None);
        await foreach (var block in stream.ReadBlocksAsync(0, 0, CancellationToken.None))
        {
            bytes += block.Data.Length;
        }

        return bytes;
    }

    private static async Task Populate(Cairn.StorageNode.Shards.Engine.ShardEngine engine, string[] ids, int writers)
    {
        int next = -1;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            byte[] data = new byte[Size];
            var random = new Random(w);
            for (int i = Interlocked.Increment(ref next); i < ids.Length; i = Interlocked.Increment(ref next))
            {
                random.NextBytes(data);
                await EngineHarness.PutAsync(engine, ids[i], data, EngineHarness.Crc(data));
            }
        })));
    }

    private static void WriteRawFile(string path, int count)
    {
        var random = new Random(3);
        byte[] data = new byte[Size];
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 20);
        for (int i = 0; i < count; i++)
        {
            random.NextBytes(data);
            file.Write(data);
        }

        file.Flush(flushToDisk: true);
    }
}
