using Cairn.StorageNode.Client;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;
using Microsoft.Extensions.Logging.Abstractions;

namespace StorageNode.Tests;

/// <summary>A fresh directory per test, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cairn-sn-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock that stands still, so file bytes are reproducible.</summary>
public sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

public static class ShardData
{
    public static readonly FixedTime Clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    /// <summary>An engine on a real directory, background reclamation off so tests drive it.</summary>
    public static ShardEngine Open(string root, long? capacity = null, long extentBytes = 128L * 1024 * 1024) =>
        ShardEngine.Open(root, Options(capacity, extentBytes), Clock, NullLogger.Instance);

    /// <summary>An engine on an in-memory disk that can crash.</summary>
    public static ShardEngine Open(CrashingDiskFiles disk, long? capacity = null, long extentBytes = 1024, long checkpointFloorBytes = 2048) =>
        ShardEngine.Open(disk.Mount(), "mem", Options(capacity, extentBytes) with { CheckpointFloorBytes = checkpointFloorBytes }, Clock, NullLogger.Instance);

    public static EngineOptions Options(long? capacity, long extentBytes) =>
        new() { CapacityBytes = capacity, ExtentBytes = extentBytes, BackgroundReclamation = false };

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    /// <summary>Cuts <paramref name="data"/> into blocks with correct CRCs, as a client would send them.</summary>
    public static async IAsyncEnumerable<IncomingBlock> Blocks(byte[] data, int blockSize, int failAfterBlocks = -1)
    {
        int sent = 0;
        for (int offset = 0; offset < data.Length; offset += blockSize)
        {
            if (sent == failAfterBlocks)
            {
                throw new IOException("client went away");
            }

            var block = data.AsMemory(offset, Math.Min(blockSize, data.Length - offset));
            yield return new IncomingBlock(offset, block, Crc32C.Compute(block.Span));
            sent++;
            await Task.Yield();
        }

        if (sent == failAfterBlocks)
        {
            throw new IOException("client went away");
        }
    }

    public static Task<StoredShard> PutAsync(IShardStore store, string id, byte[] data, int blockSize) =>
        store.WriteAsync(id, blockSize, Blocks(data, blockSize), CancellationToken.None);

    public static async Task<byte[]> GetAsync(IShardStore store, string id, long offset = 0, long length = 0)
    {
        await using var stream = await store.OpenReadAsync(id, CancellationToken.None);
        long end = length == 0 ? stream.Info.Length : offset + length;
        using var result = new MemoryStream();
        await foreach (var block in stream.ReadBlocksAsync(offset, length, CancellationToken.None))
        {
            // Trim whole blocks to the range, as the client library does.
            long from = Math.Max(offset, block.Offset) - block.Offset;
            long to = Math.Min(end, block.Offset + block.Data.Length) - block.Offset;
            result.Write(block.Data.Span[(int)from..(int)to]);
        }

        return result.ToArray();
    }

    /// <summary>The extent file offset of the first occurrence of <paramref name="needle"/> (a chunk's payload).</summary>
    public static (string File, long Offset) Locate(string root, byte[] needle)
    {
        foreach (string file in Directory.EnumerateFiles(System.IO.Path.Combine(root, "extents")).Order(StringComparer.Ordinal))
        {
            int at = File.ReadAllBytes(file).AsSpan().IndexOf(needle);
            if (at >= 0)
            {
                return (file, at);
            }
        }

        throw new InvalidOperationException("bytes not found in any extent");
    }

    /// <summary>Flips one bit of a file in place.</summary>
    public static void Flip(string file, long offset, byte xor = 0x10)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ xor));
    }
}

/// <summary>Waits for a condition with a deadline instead of sleeping a fixed time.</summary>
public static class Poll
{
    public static async Task Until(Func<bool> condition, int timeoutMs = 30_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("condition not met before the deadline");
            }

            await Task.Delay(5);
        }
    }
}
