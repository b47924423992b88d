using Cairn.StorageNode.Client;
using Cairn.StorageNode.Shards;
using Cairn.StorageNode.Shards.Engine;

namespace StorageNode.Tests;

public class ShardEngineTests
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
    public async Task ShardEngine_WriteRead_RoundTripsOddSizes(int size)
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
    public async Task ShardEngine_ReadBlocks_RangesAcrossBlockBoundaries(long offset, long length)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes((3 * BlockSize) + 7, 42);
        await ShardData.PutAsync(store, "s", data, BlockSize);

        byte[] expected = data.AsSpan((int)offset, (int)(length == 0 ? data.Length - offset : length)).ToArray();
        Assert.Equal(expected, await ShardData.GetAsync(store, "s", offset, length));
    }

    [Fact]
    public async Task ShardEngine_ReadBlocks_RangePastEndIsOutOfRange()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(100, 1), BlockSize);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ShardData.GetAsync(store, "s", 90, 20));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ShardData.GetAsync(store, "s", 101, 0));
    }

    [Fact]
    public async Task ShardEngine_Read_FlippedDataByteIsDetectedByReadAndScrub()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] bad = ShardData.Bytes(200, 2);
        await ShardData.PutAsync(store, "good", ShardData.Bytes(200, 1), BlockSize);
        await ShardData.PutAsync(store, "bad", bad, BlockSize);
        var (file, at) = ShardData.Locate(dir.Path, bad[BlockSize..(2 * BlockSize)]);
        ShardData.Flip(file, at + 3); // inside block 1

        // Block 0 is still good and is served; the read fails on block 1 instead of returning it.
        Assert.Equal(bad[..BlockSize], await ShardData.GetAsync(store, "bad", 0, BlockSize));
        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "bad"));
        var report = await store.ScrubAsync(CancellationToken.None);
        Assert.Equal(["bad"], report.CorruptShardIds);
        Assert.Equal(2, report.ShardsChecked);
        Assert.Equal(5, report.BlocksChecked); // 4 of the good shard, then the bad one stops at its corrupt block
    }

    [Theory]
    [InlineData(9)]  // shard version: only the frame header CRC and the version check can notice
    [InlineData(17)] // shard offset
    [InlineData(33)] // inside the id
    public async Task ShardEngine_Read_FlippedFrameHeaderByteIsDetected(int headerByte)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(10, 1);
        await ShardData.PutAsync(store, "s", data, BlockSize);
        var (file, at) = ShardData.Locate(dir.Path, data);
        ShardData.Flip(file, at - ChunkFormat.FrameHeaderBytes(1) + headerByte);

        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "s"));
        Assert.Equal(["s"], (await store.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    [Fact]
    public async Task ShardEngine_Read_WholePageShardIsAlignedAndAFlippedByteIsDetected()
    {
        // A 4 KiB one-chunk shard takes the lean path: one pread of its page, checked against the index's CRC32C.
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] good = ShardData.Bytes(4096, 1), bad = ShardData.Bytes(4096, 2);
        await ShardData.PutAsync(store, "good", good, 4096);
        await ShardData.PutAsync(store, "bad", bad, 4096);
        var (file, at) = ShardData.Locate(dir.Path, bad);
        Assert.Equal(0, at % 4096);
        ShardData.Flip(file, at + 4000);

        Assert.Equal(good, await ShardData.GetAsync(store, "good"));
        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "bad"));
        Assert.Equal(["bad"], (await store.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    [Fact]
    public async Task ShardEngine_Read_WholePageShardWithARottenFrameHeaderServesItsCheckedDataAndScrubReportsIt()
    {
        // The lean path reads the data alone; its bytes are right (the index's CRC32C says so). Scrub reads the
        // whole frame and reports the header, so repair can rewrite the shard before the data goes too.
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(4096, 3);
        await ShardData.PutAsync(store, "s", data, 4096);
        var (file, at) = ShardData.Locate(dir.Path, data);
        ShardData.Flip(file, at - ChunkFormat.FrameHeaderBytes(1) + 9); // the shard version in the frame header

        Assert.Equal(data, await ShardData.GetAsync(store, "s"));
        Assert.Equal(["s"], (await store.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    [Fact]
    public async Task ShardEngine_Write_MismatchedIncomingCrcIsRefusedAndNothingStored()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(100, 1);

        await Assert.ThrowsAsync<BlockChecksumMismatchException>(() => store.WriteAsync("s", BlockSize, Corrupted(data), CancellationToken.None));

        Assert.Null(await store.StatAsync("s", CancellationToken.None));
        Assert.Equal(0, store.GetUsage().ShardCount);

        static async IAsyncEnumerable<IncomingBlock> Corrupted(byte[] data)
        {
            await Task.Yield();
            yield return new IncomingBlock(0, data.AsMemory(0, BlockSize), Crc32C.Compute(data.AsSpan(0, BlockSize)) ^ 1);
        }
    }

    [Fact]
    public async Task ShardEngine_Write_AbortedStreamKeepsTheOldVersion()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(50, 9), BlockSize);

        await Assert.ThrowsAsync<IOException>(() => store.WriteAsync("s", BlockSize, ShardData.Blocks(ShardData.Bytes(300, 1), BlockSize, failAfterBlocks: 2), CancellationToken.None));

        Assert.Equal(ShardData.Bytes(50, 9), await ShardData.GetAsync(store, "s"));
        store.Dispose();
        Assert.Equal(ShardData.Bytes(50, 9), await ShardData.GetAsync(ShardData.Open(dir.Path), "s"));
    }

    [Theory]
    [InlineData(BlockSize + 1, BlockSize, "offset")] // a gap
    [InlineData(0, BlockSize + 1, "block of")]       // oversized block
    public async Task ShardEngine_Write_ProtocolViolationsAreRefused(long secondOffset, int secondLength, string message)
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(3 * BlockSize, 1);

        var ex = await Assert.ThrowsAsync<InvalidShardWriteException>(() => store.WriteAsync("s", BlockSize, Two(), CancellationToken.None));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.StatAsync("s", CancellationToken.None));

        async IAsyncEnumerable<IncomingBlock> Two()
        {
            await Task.Yield();
            yield return new IncomingBlock(0, data.AsMemory(0, BlockSize), Crc32C.Compute(data.AsSpan(0, BlockSize)));
            var second = data.AsMemory(BlockSize, secondLength);
            yield return new IncomingBlock(secondOffset == 0 ? BlockSize : secondOffset, second, Crc32C.Compute(second.Span));
        }
    }

    [Fact]
    public async Task ShardEngine_Write_DiskFullIsRefusedReadsAndDeletesGoOnAndReclamationRecovers()
    {
        using var dir = new TempDirectory();
        // Room for three 600-byte shards in 64-byte blocks (with their commit frames and the log), not for a 1200-byte fourth.
        var store = ShardData.Open(dir.Path, capacity: 4608, extentBytes: 1024);
        byte[] a = ShardData.Bytes(600, 1), b = ShardData.Bytes(600, 2);
        await ShardData.PutAsync(store, "a", a, BlockSize);
        await ShardData.PutAsync(store, "b", b, BlockSize);
        await ShardData.PutAsync(store, "c", ShardData.Bytes(600, 3), BlockSize);

        await Assert.ThrowsAsync<DiskFullException>(() => ShardData.PutAsync(store, "d", ShardData.Bytes(1200, 4), BlockSize));
        Assert.Null(await store.StatAsync("d", CancellationToken.None));
        Assert.Equal(a, await ShardData.GetAsync(store, "a"));
        Assert.True(await store.DeleteAsync("c", CancellationToken.None));
        Assert.True(await store.DeleteAsync("b", CancellationToken.None));
        long usedBefore = store.GetUsage().UsedBytes;

        var reclaimed = await store.ReclaimAsync(CancellationToken.None);

        Assert.True(reclaimed.ExtentsRetired > 0);
        Assert.True(store.GetUsage().UsedBytes < usedBefore);
        await ShardData.PutAsync(store, "d", ShardData.Bytes(1200, 4), BlockSize);
        Assert.Equal(ShardData.Bytes(1200, 4), await ShardData.GetAsync(store, "d"));
        Assert.Equal(a, await ShardData.GetAsync(store, "a"));
        Assert.False(store.GetUsage().Full);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("../../../../../../tmp/x")]
    [InlineData("/etc/passwd")]
    [InlineData("a/b\\c")]
    [InlineData("nul\0byte")]
    [InlineData("..")]
    public async Task ShardEngine_Write_PathLikeIdsStayInsideTheDisk(string shardId)
    {
        using var dir = new TempDirectory();
        string root = Path.Combine(dir.Path, "disk");
        var store = ShardData.Open(root);
        byte[] data = ShardData.Bytes(90, 1);

        await ShardData.PutAsync(store, shardId, data, BlockSize);

        Assert.Equal(data, await ShardData.GetAsync(store, shardId));
        Assert.Equal([root], Directory.EnumerateFileSystemEntries(dir.Path));
        // Ids never name files: only the engine's own extent and index files exist.
        Assert.All(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories), f => Assert.Matches("(extents/[0-9]{8}\\.ext|index/[0-9]{8}\\.log)$", f.Replace('\\', '/')));
        Assert.Equal(shardId, Assert.Single(store.List(null, 10).Shards).ShardId);
    }

    [Fact]
    public async Task ShardEngine_Write_InvalidIdsAreRefused()
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
    public async Task ShardEngine_List_PagesInOrdinalOrderAcrossRestart()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        string[] ids = ["b", "a", "c/1", "C", "ab", "é"];
        foreach (string id in ids)
        {
            await ShardData.PutAsync(store, id, ShardData.Bytes(5, 1), BlockSize);
        }

        store.Dispose();
        var reopened = ShardData.Open(dir.Path);
        var first = reopened.List(null, 4);
        var second = reopened.List(first.Shards[^1].ShardId, 4);

        string[] expected = [.. ids.Order(StringComparer.Ordinal)];
        Assert.True(first.IsTruncated);
        Assert.False(second.IsTruncated);
        Assert.Equal(expected, first.Shards.Concat(second.Shards).Select(s => s.ShardId));
    }

    [Fact]
    public async Task ShardEngine_Delete_RemovesAndReportsExistenceAcrossRestart()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(5, 1), BlockSize);
        await ShardData.PutAsync(store, "t", ShardData.Bytes(5, 2), BlockSize);

        Assert.True(await store.DeleteAsync("s", CancellationToken.None));
        Assert.False(await store.DeleteAsync("s", CancellationToken.None));
        await Assert.ThrowsAsync<ShardMissingException>(() => store.OpenReadAsync("s", CancellationToken.None));
        store.Dispose();
        var reopened = ShardData.Open(dir.Path);
        Assert.Null(await reopened.StatAsync("s", CancellationToken.None));
        Assert.Equal(1, reopened.GetUsage().ShardCount);
    }

    [Fact]
    public async Task ShardEngine_Reclaim_EvacuatesMostlyDeadExtentsAndKeepsEveryLiveShard()
    {
        using var dir = new TempDirectory();
        var store = ShardData.Open(dir.Path, extentBytes: 512);
        var expected = new Dictionary<string, byte[]>();
        for (int i = 0; i < 30; i++)
        {
            expected[$"s{i}"] = ShardData.Bytes(100, i);
            await ShardData.PutAsync(store, $"s{i}", expected[$"s{i}"], BlockSize);
        }

        for (int i = 0; i < 30; i++)
        {
            if (i % 4 != 0)
            {
                Assert.True(await store.DeleteAsync($"s{i}", CancellationToken.None));
                expected.Remove($"s{i}");
            }
        }

        int extentsBefore = Directory.GetFiles(Path.Combine(dir.Path, "extents")).Length;
        long usedBefore = store.GetUsage().UsedBytes;

        var report = await store.ReclaimAsync(CancellationToken.None);

        Assert.True(report.ExtentsEvacuated > 0, $"{report}");
        Assert.True(Directory.GetFiles(Path.Combine(dir.Path, "extents")).Length < extentsBefore);
        Assert.True(store.GetUsage().UsedBytes < usedBefore);
        store.Dispose();
        var reopened = ShardData.Open(dir.Path, extentBytes: 512);
        foreach (var (id, data) in expected)
        {
            Assert.Equal(data, await ShardData.GetAsync(reopened, id));
        }

        Assert.Empty((await reopened.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    [Fact]
    public async Task ShardEngine_Reclaim_ReadErrorKeepsTheExtentAndNeverForgetsTheChunk()
    {
        // ShardStore bug #5: a transient read error during reclamation made it drop a live chunk.
        var disk = new CrashingDiskFiles(1);
        var store = ShardData.Open(disk, extentBytes: 256);
        byte[] keep = ShardData.Bytes(60, 7);
        await ShardData.PutAsync(store, "keep", keep, BlockSize);
        for (int i = 0; i < 6; i++)
        {
            await ShardData.PutAsync(store, $"dead{i}", ShardData.Bytes(60, i), BlockSize);
            Assert.True(await store.DeleteAsync($"dead{i}", CancellationToken.None));
        }

        string first = disk.Paths(ExtentSet.Directory)[0];
        disk.FailReads = path => path == first;
        var failed = await store.ReclaimAsync(CancellationToken.None);
        disk.FailReads = null;

        Assert.True(failed.ExtentsKept >= 1);
        Assert.Contains(first, disk.Paths(ExtentSet.Directory));
        Assert.Equal(keep, await ShardData.GetAsync(store, "keep"));
        var retry = await store.ReclaimAsync(CancellationToken.None);
        Assert.DoesNotContain(first, disk.Paths(ExtentSet.Directory));
        Assert.Equal(0, retry.ExtentsKept);
        store.Dispose();
        Assert.Equal(keep, await ShardData.GetAsync(ShardData.Open(disk, extentBytes: 256), "keep"));
    }

    [Fact]
    public async Task ShardEngine_Write_ConcurrentWritersShareOneGroupCommit()
    {
        var disk = new CrashingDiskFiles(1);
        var store = ShardData.Open(disk, extentBytes: 1 << 20, checkpointFloorBytes: 1 << 20);
        await ShardData.PutAsync(store, "warm-up", [1], BlockSize); // creates the extent outside the measured batch
        long batchesBefore = store.Stats.CommitBatches, requestsBefore = store.Stats.CommitRequests;
        using var gate = new ManualResetEventSlim(false);
        disk.BeforeFlush = () => gate.Wait(TimeSpan.FromSeconds(30));

        // Off the test framework's synchronisation context: the blocked leader must not hold one of its few threads.
        var writes = Enumerable.Range(0, 8).Select(i => Task.Run(() => ShardData.PutAsync(store, $"w{i}", ShardData.Bytes(100, i), BlockSize))).ToArray();
        // The first batch is stuck in its fsync; every writer is then either in it or queued behind it.
        await Poll.Until(() => store.Stats.CommitQueueDepth == 8 || writes.Any(w => w.IsFaulted));
        disk.BeforeFlush = null;
        gate.Set();
        await Task.WhenAll(writes);

        Assert.InRange(store.Stats.CommitBatches - batchesBefore, 1, 2);
        Assert.Equal(8, store.Stats.CommitRequests - requestsBefore);
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(ShardData.Bytes(100, i), await ShardData.GetAsync(store, $"w{i}"));
        }
    }

    [Fact]
    public async Task ShardEngine_Write_FailedFsyncPoisonsTheStoreButNothingAcknowledgedIsLost()
    {
        var disk = new CrashingDiskFiles(1);
        var store = ShardData.Open(disk);
        await ShardData.PutAsync(store, "before", ShardData.Bytes(30, 1), BlockSize);
        disk.BeforeFlush = () => throw new IOException("EIO");

        await Assert.ThrowsAsync<DiskIoException>(() => ShardData.PutAsync(store, "lost", ShardData.Bytes(30, 2), BlockSize));
        disk.BeforeFlush = null;
        // Retrying an fsync after a failure can report success for pages the kernel already dropped: refuse instead.
        await Assert.ThrowsAsync<DiskIoException>(() => ShardData.PutAsync(store, "after", ShardData.Bytes(30, 3), BlockSize));
        store.Dispose();

        disk.Crash();
        var reopened = ShardData.Open(disk);
        Assert.Equal(ShardData.Bytes(30, 1), await ShardData.GetAsync(reopened, "before"));
        Assert.Null(await reopened.StatAsync("lost", CancellationToken.None));
    }

    [Fact]
    public async Task ShardEngine_Open_LastBatchWhoseChunksNeverLandedIsDroppedAndSealed()
    {
        // The extent and index fsyncs of a batch run side by side: a crash can leave the index frame durable
        // and the chunks not. That batch was never acknowledged; opening must not serve it.
        var disk = new CrashingDiskFiles(3);
        var store = ShardData.Open(disk, extentBytes: 1 << 20);
        await ShardData.PutAsync(store, "old", ShardData.Bytes(90, 1), BlockSize);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(90, 2), BlockSize);
        disk.DropFlushes = path => path.StartsWith(ExtentSet.Directory, StringComparison.Ordinal);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(200, 3), BlockSize);
        disk.DropFlushes = null;
        disk.Crash(keepNoUnsynced: true);

        var reopened = ShardData.Open(disk, extentBytes: 1 << 20);

        Assert.Equal(ShardData.Bytes(90, 1), await ShardData.GetAsync(reopened, "old"));
        Assert.Equal(ShardData.Bytes(90, 2), await ShardData.GetAsync(reopened, "s")); // the new version's chunks are gone: the old one holds
        Assert.Empty((await reopened.ScrubAsync(CancellationToken.None)).CorruptShardIds);
        reopened.Dispose();
        disk.Crash();
        Assert.Equal(ShardData.Bytes(90, 2), await ShardData.GetAsync(ShardData.Open(disk, extentBytes: 1 << 20), "s"));
    }

    [Fact]
    public async Task ShardEngine_Open_CommitFrameWhoseChunksNeverLandedIsDropped()
    {
        // 200-byte blocks in 256-byte extents: each chunk fills an extent alone, so its commit frame lands in the
        // next extent. The new version's chunk is lost in the crash while its (fsynced) commit frame survives.
        var disk = new CrashingDiskFiles(3);
        var store = ShardData.Open(disk, extentBytes: 256);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(200, 1), blockSize: 200);
        Assert.Equal(["extents/00000001.ext", "extents/00000002.ext"], disk.Paths(ExtentSet.Directory));
        disk.DropFlushes = path => path == "extents/00000003.ext";
        await ShardData.PutAsync(store, "s", ShardData.Bytes(200, 2), blockSize: 200);
        disk.DropFlushes = null;
        Assert.Equal(4, disk.Paths(ExtentSet.Directory).Count);
        disk.Crash(keepNoUnsynced: true);

        var reopened = ShardData.Open(disk, extentBytes: 256);

        Assert.Equal(ShardData.Bytes(200, 1), await ShardData.GetAsync(reopened, "s"));
        // Extent 3 lost even its header (its fsyncs were all dropped): reported, and no shard is corrupt.
        Assert.Equal(["unreadable-extent:3"], (await reopened.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    [Fact]
    public async Task IndexLog_Open_TornTailIsCutAndAMidLogCorruptionRefuses()
    {
        var disk = new CrashingDiskFiles(1);
        var store = ShardData.Open(disk, checkpointFloorBytes: 1 << 20);
        await ShardData.PutAsync(store, "a", ShardData.Bytes(30, 1), BlockSize);
        await ShardData.PutAsync(store, "b", ShardData.Bytes(30, 2), BlockSize);
        Assert.True(await store.DeleteAsync("b", CancellationToken.None)); // a delete goes to the log, with the puts before it
        store.Dispose();
        string log = Assert.Single(disk.Paths(IndexLog.Directory));
        int length = disk.ReadAll(log).Length;

        // A torn last frame: the delete was never acknowledged as far as the bytes show; the puts logged with
        // it are found again in their extents' commit frames (the log only lags the extents).
        disk.Corrupt(log, length - 1, 0xFF);
        var reopened = ShardData.Open(disk, checkpointFloorBytes: 1 << 20);
        Assert.Equal(["a", "b"], reopened.List(null, 10).Shards.Select(s => s.ShardId));
        await ShardData.PutAsync(reopened, "c", ShardData.Bytes(30, 3), BlockSize);
        reopened.Dispose();

        // Rot in the first frame after the header (the empty checkpoint's mark and seal), with good frames after
        // it: refuse rather than silently drop what those frames hold.
        int header = IndexLogFormat.FrameHeaderBytes + 19;
        disk.Corrupt(log, header + IndexLogFormat.FrameHeaderBytes + 3, 0x01);
        Assert.Throws<ExtentFormatException>(() => ShardData.Open(disk));
    }

    [Fact]
    public async Task ChunkFormat_Write_GoldenBytes()
    {
        var disk = new CrashingDiskFiles(1);
        var options = ShardData.Options(null, 1024) with { ExtentSalt = () => 0x0123456789ABCDEF };
        var store = ShardEngine.Open(disk.Mount(), "mem", options, ShardData.Clock, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await ShardData.PutAsync(store, "id", [1, 2, 3, 4, 5], blockSize: 4);

        byte[] actual = disk.ReadAll(Assert.Single(disk.Paths(ExtentSet.Directory)));

        // Pinned: changing these bytes needs a format version bump and a migration, not a test update.
        const string expected =
            "434149524E455854" + "0200" + "0000" + "01000000" + "EFCDAB8967452301" + "23C66C7C"  // extent header v2, id 1, salt, CRC
            + "43484B31" + "0100" + "0200" + "0100000000000000" + "0000000000000000" + "04000000" // frame: version 1, offset 0, 4 bytes
            + "F48C3029" + "6964" + "8820B1BF" + "01020304"                                      // data CRC, id, header CRC, data
            + "43484B31" + "0100" + "0200" + "0100000000000000" + "0400000000000000" + "01000000"
            + "4D478C67" + "6964" + "65B64DA7" + "05"
            + "EFCDAB8967452301" + "434D5431" + "45000000" + "0100000000000000" + "73763740"      // commit frame: salt, 69 bytes, batch 1, CRC
            + "05" + "0100000000000000" + "0500000000000000" + "04000000" + "0068E5CF8B010000"   // put2: version 1, 5 bytes, block 4, created
            + "0200" + "6964" + "02000000"                                                      // id, 2 chunks (extent, offset, data CRC)
            + "01000000" + "1C00000000000000" + "F48C3029" + "01000000" + "4600000000000000" + "4D478C67";
        Assert.Equal(expected, Convert.ToHexString(actual));
    }

    [Fact]
    public async Task ShardEngine_Open_Version1DiskIsReadAndMigrated()
    {
        // Files written by the v1 engine (pinned bytes): "keep" in two blocks, "gone" deleted, "over" overwritten.
        var disk = new CrashingDiskFiles(1);
        var mount = disk.Mount();
        foreach (var (path, hex) in new[] { ("extents/00000001.ext", V1Extent), ("index/00000001.log", V1Log) })
        {
            var file = mount.Open(path, create: true);
            file.Write([Convert.FromHexString(hex)], 0);
            file.Flush();
            mount.SyncDirectory(Path.GetDirectoryName(path)!);
        }

        var store = ShardData.Open(disk);
        Assert.Equal(["keep", "over"], store.List(null, 10).Shards.Select(s => s.ShardId));
        Assert.Equal([1, 2, 3, 4, 5], await ShardData.GetAsync(store, "keep"));
        Assert.Equal([8, 8, 8], await ShardData.GetAsync(store, "over"));
        await ShardData.PutAsync(store, "new", ShardData.Bytes(20, 1), blockSize: 4);
        disk.Crash();

        // The log was rewritten as v2 at open; the v1 extent is still read; nothing was lost in the crash.
        var reopened = ShardData.Open(disk);
        string log = Assert.Single(disk.Paths(IndexLog.Directory));
        Assert.Equal(2, disk.ReadAll(log)[IndexLogFormat.FrameHeaderBytes + 9]);
        Assert.Equal(["keep", "new", "over"], reopened.List(null, 10).Shards.Select(s => s.ShardId));
        Assert.Equal(ShardData.Bytes(20, 1), await ShardData.GetAsync(reopened, "new"));
        Assert.Equal([1, 2, 3, 4, 5], await ShardData.GetAsync(reopened, "keep"));
        Assert.Empty((await reopened.ScrubAsync(CancellationToken.None)).CorruptShardIds);
    }

    private const string V1Extent =
        "434149524E4558540100000001000000E8EC12C243484B31010004000100000000000000000000000000000004000000F48C30296B65657095C09A7C0102030443484B310100040001000000000000000400000000000000010000004D478C676B6565707A26F0730543484B31010004000200000000000000000000000000000002000000D1F76507676F6E653BD1B3DB090943484B31010004000300000000000000000000000000000001000000BA37B7866F7665728BBE3C020743484B31010004000400000000000000000000000000000003000000C806F84F6F76657260504084080808";

    private const string V1Log =
        "4958423113000000CF267B8B00434149524E4944580100010000000000000049584231010000004EC4E79504495842313F0000003A53D54E0101000000000000000500000000000000040000000068E5CF8B01000004006B6565700200000001000000140000000000000001000000400000000000000049584231330000004B86E1E90102000000000000000200000000000000040000000068E5CF8B0100000400676F6E6501000000010000006900000000000000495842313300000038F1A01D0103000000000000000100000000000000040000000068E5CF8B01000004006F766572010000000100000093000000000000004958423107000000BFE6BEF6020400676F6E654958423133000000B3C0AFE40104000000000000000300000000000000040000000068E5CF8B01000004006F7665720100000001000000BC00000000000000";

    [Fact]
    public async Task IndexLogFormat_Open_NewerVersionIsRefused()
    {
        var disk = new CrashingDiskFiles(1);
        var store = ShardData.Open(disk);
        await ShardData.PutAsync(store, "s", [1, 2, 3], BlockSize);
        store.Dispose();
        string log = Assert.Single(disk.Paths(IndexLog.Directory));
        disk.Corrupt(log, IndexLogFormat.FrameHeaderBytes + 9, 0x01); // version 2 -> 3; the frame CRC must match again
        var bytes = disk.ReadAll(log);
        int payload = 19;
        byte[] fixedHeader = IndexLogFormat.FrameHeader(bytes.AsSpan(IndexLogFormat.FrameHeaderBytes, payload));
        for (int i = 8; i < 12; i++)
        {
            disk.Corrupt(log, i, (byte)(bytes[i] ^ fixedHeader[i]));
        }

        var ex = Assert.Throws<ExtentFormatException>(() => ShardData.Open(disk));
        Assert.Contains("version 3", ex.Message, StringComparison.Ordinal);
    }
}
