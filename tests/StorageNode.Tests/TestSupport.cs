using Cairn.StorageNode.Client;
using Cairn.StorageNode.Shards;
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
    public static FileShardStore Open(string root, long? capacity = null) =>
        FileShardStore.Open(root, capacity, new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)), NullLogger.Instance);

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

    public static string FileOf(string root, string shardId)
    {
        string stem = ShardIds.FileStem(ShardIds.Validate(shardId));
        return System.IO.Path.Combine(root, "shards", stem[..2], stem + ".shard");
    }
}
