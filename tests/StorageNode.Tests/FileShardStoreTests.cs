using Cairn.StorageNode.Client;
using Cairn.StorageNode.Shards;

namespace StorageNode.Tests;

public class FileShardStoreTests
{
    private const int BlockSize = 64;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BlockSize - 1)]
    [InlineData(BlockSize)]
    [InlineData(BlockSize + 1)]
    [InlineData((3 * BlockSize) + 7)]
    [InlineData(10 * BlockSize)]
    public async Task FileShardStore_WriteRead_RoundTripsOddSizes(int size)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(size, size);

        var stored = await ShardData.PutAsync(store, "shard-a", data, BlockSize);

        Assert.Equal(size, stored.Length);
        Assert.Equal((size + BlockSize - 1) / BlockSize, stored.Blocks);
        Assert.Equal(data, await ShardData.GetAsync(store, "shard-a"));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(BlockSize - 1, 2)]
    [InlineData(BlockSize, BlockSize)]
    [InlineData(BlockSize + 1, (2 * BlockSize) - 2)]
    [InlineData(3 * BlockSize, 7)]
    [InlineData((3 * BlockSize) + 6, 1)]
    [InlineData(5, 0)]
    public async Task FileShardStore_ReadBlocks_RangesAcrossBlockBoundaries(long offset, long length)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes((3 * BlockSize) + 7, 42);
        await ShardData.PutAsync(store, "s", data, BlockSize);

        byte[] expected = data.AsSpan((int)offset, (int)(length == 0 ? data.Length - offset : length)).ToArray();
        Assert.Equal(expected, await ShardData.GetAsync(store, "s", offset, length));
    }

    [Fact]
    public async Task FileShardStore_ReadBlocks_RangePastEndIsOutOfRange()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(100, 1), BlockSize);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ShardData.GetAsync(store, "s", 90, 20));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ShardData.GetAsync(store, "s", 101, 0));
    }

    [Fact]
    public async Task FileShardStore_Read_FlippedDataByteIsDetectedByReadAndScrub()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "good", ShardData.Bytes(200, 1), BlockSize);
        await ShardData.PutAsync(store, "bad", ShardData.Bytes(200, 2), BlockSize);
        string file = ShardData.FileOf(dir.Path, "bad");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        int headerLength = ShardFileFormat.FixedHeaderBytes + "bad".Length;
        bytes[headerLength + ShardFileFormat.FrameHeaderBytes + BlockSize + 8 + 3] ^= 0x01; // inside block 1
        await File.WriteAllBytesAsync(file, bytes);

        // Block 0 is still good and is served; the read fails on block 1 instead of returning it.
        Assert.Equal(ShardData.Bytes(200, 2)[..BlockSize], await ShardData.GetAsync(store, "bad", 0, BlockSize));
        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "bad"));
        var report = await store.ScrubAsync(CancellationToken.None);
        Assert.Equal(["bad"], report.CorruptShardIds);
        Assert.Equal(2, report.ShardsChecked);
        Assert.Equal(5, report.BlocksChecked); // 4 of the good shard, then the bad one stops at its corrupt block
    }

    [Fact]
    public async Task FileShardStore_Open_FlippedHeaderByteIsDetected()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(10, 1), BlockSize);
        string file = ShardData.FileOf(dir.Path, "s");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        bytes[25] ^= 0x80; // created time: only the header CRC can notice
        await File.WriteAllBytesAsync(file, bytes);

        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "s"));
        await Assert.ThrowsAsync<ShardDamagedException>(() => store.StatAsync("s", CancellationToken.None));
    }

    [Fact]
    public async Task FileShardStore_Open_TruncatedFileIsDetected()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(300, 1), BlockSize);
        string file = ShardData.FileOf(dir.Path, "s");
        await using (var f = new FileStream(file, FileMode.Open))
        {
            f.SetLength(f.Length - 30);
        }

        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "s"));
    }

    [Fact]
    public async Task FileShardStore_Write_MismatchedIncomingCrcIsRefusedAndNothingStored()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(100, 1);

        await Assert.ThrowsAsync<BlockChecksumMismatchException>(() => store.WriteAsync("s", BlockSize, Corrupted(data), CancellationToken.None));

        Assert.Null(await store.StatAsync("s", CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir.Path, "tmp")));

        static async IAsyncEnumerable<IncomingBlock> Corrupted(byte[] data)
        {
            await Task.Yield();
            yield return new IncomingBlock(0, data.AsMemory(0, BlockSize), Crc32C.Compute(data.AsSpan(0, BlockSize)) ^ 1);
        }
    }

    [Fact]
    public async Task FileShardStore_Write_AbortedStreamLeavesNoShardAndNoTempFile()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(50, 9), BlockSize);

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("s", BlockSize, ShardData.Blocks(ShardData.Bytes(300, 1), BlockSize, failAfterBlocks: 2), CancellationToken.None));

        Assert.Equal(ShardData.Bytes(50, 9), await ShardData.GetAsync(store, "s")); // the old version survives
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir.Path, "tmp")));
    }

    [Theory]
    [InlineData(BlockSize + 1, BlockSize, "offset")] // a gap
    [InlineData(0, BlockSize + 1, "block of")]       // oversized block
    public async Task FileShardStore_Write_ProtocolViolationsAreRefused(long secondOffset, int secondLength, string message)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(3 * BlockSize, 1);

        var ex = await Assert.ThrowsAsync<InvalidShardWriteException>(() => store.WriteAsync("s", BlockSize, Two(), CancellationToken.None));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);

        async IAsyncEnumerable<IncomingBlock> Two()
        {
            await Task.Yield();
            yield return new IncomingBlock(0, data.AsMemory(0, BlockSize), Crc32C.Compute(data.AsSpan(0, BlockSize)));
            var second = data.AsMemory(BlockSize, secondLength);
            yield return new IncomingBlock(secondOffset == 0 ? BlockSize : secondOffset, second, Crc32C.Compute(second.Span));
        }
    }

    [Fact]
    public async Task FileShardStore_Open_RemovesTempFilesLeftByACrash()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "kept", ShardData.Bytes(70, 1), BlockSize);
        // What a kill -9 mid-write leaves: a partial temp file that was never renamed.
        string temp = Path.Combine(dir.Path, "tmp", Guid.NewGuid().ToString("N") + ".tmp");
        await File.WriteAllBytesAsync(temp, ShardData.Bytes(123, 5));

        var reopened = ShardData.Open(dir.Path);

        Assert.False(File.Exists(temp));
        Assert.Equal(ShardData.Bytes(70, 1), await ShardData.GetAsync(reopened, "kept"));
        Assert.Equal(1, reopened.GetUsage().ShardCount);
    }

    [Fact]
    public async Task FileShardStore_Write_DiskFullIsRefusedAndReported()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path, capacity: 1000);
        await ShardData.PutAsync(store, "a", ShardData.Bytes(600, 1), BlockSize);

        await Assert.ThrowsAsync<DiskFullException>(() => ShardData.PutAsync(store, "b", ShardData.Bytes(600, 2), BlockSize));
        Assert.Null(await store.StatAsync("b", CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(dir.Path, "tmp")));

        // 600 payload bytes cost 743 on disk (header, frames, trailer): another 100 (179) fits, 200 more (295) does not.
        await ShardData.PutAsync(store, "c", ShardData.Bytes(100, 3), BlockSize);
        await Assert.ThrowsAsync<DiskFullException>(() => ShardData.PutAsync(store, "e", ShardData.Bytes(200, 5), BlockSize));
        Assert.Equal(743 + 179, store.GetUsage().UsedBytes);

        Assert.True(await store.DeleteAsync("a", CancellationToken.None));
        await ShardData.PutAsync(store, "b", ShardData.Bytes(200, 2), BlockSize);
        Assert.Equal(ShardData.Bytes(200, 2), await ShardData.GetAsync(store, "b"));
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("../../../../../../tmp/x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b\\c")]
    [InlineData("nul\0byte")]
    [InlineData("..")]
    public async Task FileShardStore_Write_PathLikeIdsStayInsideTheDisk(string shardId)
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "disk");
        var store = ShardData.Open(root);
        byte[] data = ShardData.Bytes(90, 1);

        await ShardData.PutAsync(store, shardId, data, BlockSize);

        Assert.Equal(data, await ShardData.GetAsync(store, shardId));
        Assert.Equal([root], Directory.EnumerateFileSystemEntries(dir.Path));
        string file = Assert.Single(Directory.EnumerateFiles(Path.Combine(root, "shards"), "*", SearchOption.AllDirectories));
        Assert.Matches("^[0-9a-f]{64}\\.shard$", Path.GetFileName(file));
        Assert.Equal(shardId, Assert.Single(store.List(null, 10).Shards).ShardId);
    }

    [Fact]
    public async Task FileShardStore_Write_InvalidIdsAreRefused()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        string loneSurrogate = new(['a', (char)0xD800]);
        foreach (string id in new[] { "", loneSurrogate, new string('x', ShardIds.MaxBytes + 1) })
        {
            await Assert.ThrowsAsync<ArgumentException>(() => ShardData.PutAsync(store, id, [1], BlockSize));
        }
    }

    [Fact]
    public async Task FileShardStore_List_PagesInOrdinalOrderAcrossRestart()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        string[] ids = ["b", "a", "c/1", "C", "ab", "é"];
        foreach (string id in ids)
        {
            await ShardData.PutAsync(store, id, ShardData.Bytes(5, 1), BlockSize);
        }

        var reopened = ShardData.Open(dir.Path);
        var first = reopened.List(null, 4);
        var second = reopened.List(first.Shards[^1].ShardId, 4);

        string[] expected = [.. ids.Order(StringComparer.Ordinal)];
        Assert.True(first.IsTruncated);
        Assert.False(second.IsTruncated);
        Assert.Equal(expected, first.Shards.Concat(second.Shards).Select(s => s.ShardId));
    }

    [Fact]
    public async Task FileShardStore_Delete_RemovesAndReportsExistence()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(5, 1), BlockSize);

        Assert.True(await store.DeleteAsync("s", CancellationToken.None));
        Assert.False(await store.DeleteAsync("s", CancellationToken.None));
        await Assert.ThrowsAsync<ShardMissingException>(() => store.OpenReadAsync("s", CancellationToken.None));
        Assert.Equal(0, store.GetUsage().ShardCount);
        Assert.Equal(0, store.GetUsage().UsedBytes);
    }

    [Fact]
    public async Task ShardFileFormat_Write_GoldenBytes()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "id", [1, 2, 3, 4, 5], blockSize: 4);

        byte[] actual = await File.ReadAllBytesAsync(ShardData.FileOf(dir.Path, "id"));

        // Pinned: changing these bytes needs a format version bump and a migration, not a test update.
        const string expected =
            "434149524E534844" + "0100" + "0000" + "28000000" + "04000000" + "00000000" + "0068E5CF8B010000" + "0200" + "6964" + "D99C2273"
            + "04000000" + "F48C3029" + "01020304"
            + "01000000" + "4D478C67" + "05"
            + "434149524E454E44" + "0500000000000000" + "02000000" + "6AC8E33E";
        Assert.Equal(expected, Convert.ToHexString(actual));
    }

    [Fact]
    public async Task ShardFileFormat_Open_NewerVersionIsRefused()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", [1, 2, 3], BlockSize);
        string file = ShardData.FileOf(dir.Path, "s");
        byte[] bytes = await File.ReadAllBytesAsync(file);
        bytes[8] = 2;
        await File.WriteAllBytesAsync(file, bytes);

        await Assert.ThrowsAsync<UnsupportedShardFormatException>(() => ShardData.GetAsync(store, "s"));
    }
}
