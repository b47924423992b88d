using Cairn.StorageNode.Client;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Shards;

namespace StorageNode.Tests;

/// <summary>The small-read fast path (<see cref="IShardStore.TryReadWhole"/>): engine and health decorator.</summary>
public class WholeShardReadTests
{
    [Theory]
    [InlineData(4096)] // page-aligned data, checked against the index CRC
    [InlineData(100)] // framed data, checked like any chunk
    public async Task ShardEngine_TryReadWhole_OneBlockShardComesWholeAndVerified(int length)
    {
        using var dir = new TempDirectory();
        using var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(length, 7);
        await ShardData.PutAsync(store, "s", data, length);

        Assert.True(store.TryReadWhole("s", out var whole));
        using (whole)
        {
            Assert.Equal(data, whole.Block.Data.ToArray());
            Assert.Equal(0, whole.Block.Offset);
            Assert.Equal(Crc32C.Compute(data), whole.Block.Crc32C);
            Assert.Equal(length, whole.Info.Length);
        }
    }

    [Fact]
    public async Task ShardEngine_TryReadWhole_SeveralBlocksGoToTheStreamPath()
    {
        using var dir = new TempDirectory();
        using var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(8192, 1), 4096);

        Assert.False(store.TryReadWhole("s", out var whole));
        Assert.Null(whole);
    }

    [Fact]
    public async Task ShardEngine_TryReadWhole_MissingThrowsAndAFlippedByteIsNeverServed()
    {
        using var dir = new TempDirectory();
        using var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(4096, 2);
        await ShardData.PutAsync(store, "s", data, 4096);
        var (file, at) = ShardData.Locate(dir.Path, data);
        ShardData.Flip(file, at + 123);

        Assert.Throws<ShardMissingException>(() => store.TryReadWhole("absent", out _));
        Assert.False(store.TryReadWhole("s", out _)); // the stream path names the damage
        await Assert.ThrowsAsync<ShardDamagedException>(() => ShardData.GetAsync(store, "s"));
    }

    [Fact]
    public async Task WholeShard_ReadBlocksAsync_YieldsTheBlockForAnyNonEmptyRangeAndNoneForAnEmptyOne()
    {
        using var dir = new TempDirectory();
        using var store = ShardData.Open(dir.Path);
        byte[] data = ShardData.Bytes(4096, 4);
        await ShardData.PutAsync(store, "s", data, 4096);

        Assert.True(store.TryReadWhole("s", out var whole));
        await using IShardReadStream stream = whole;
        Assert.Single(await stream.ReadBlocksAsync(10, 5, CancellationToken.None).ToListAsync());
        Assert.Empty(await stream.ReadBlocksAsync(4096, 0, CancellationToken.None).ToListAsync());
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.ReadBlocksAsync(4000, 200, CancellationToken.None));
    }

    [Fact]
    public async Task WholeShard_Dispose_GivesTheBufferBackOnceAndTheBlockIsGone()
    {
        using var dir = new TempDirectory();
        using var store = ShardData.Open(dir.Path);
        await ShardData.PutAsync(store, "s", ShardData.Bytes(4096, 5), 4096);

        Assert.True(store.TryReadWhole("s", out var whole));
        whole.Dispose();
        whole.Dispose(); // a second dispose must not return the buffer to the pool twice
        Assert.Throws<ObjectDisposedException>(() => whole.Block);
    }

    [Fact]
    public async Task InstrumentedShardStore_TryReadWhole_CountsTheReadAndItsBytes()
    {
        using var dir = new TempDirectory();
        var store = new InstrumentedShardStore(ShardData.Open(dir.Path), "d0");
        byte[] data = ShardData.Bytes(4096, 6);
        await ShardData.PutAsync(store, "s", data, 4096);

        Assert.True(store.TryReadWhole("s", out var whole));
        whole.Dispose();
        Assert.Equal(data[10..15], await ShardData.GetAsync(store, "s", 10, 5)); // OpenReadAsync takes the fast path too

        Assert.Equal(2, store.Counters.Reads);
        Assert.Equal(2 * 4096, store.Counters.BytesRead);
        store.Dispose();
    }

    [Fact]
    public async Task InstrumentedShardStore_TryReadWhole_LeavesAnInjectedFaultToTheStreamPath()
    {
        using var dir = new TempDirectory();
        var store = new InstrumentedShardStore(ShardData.Open(dir.Path), "d0");
        await ShardData.PutAsync(store, "s", ShardData.Bytes(4096, 8), 4096);
        store.InjectFault(new InjectedFault(0, 1.0));

        Assert.False(store.TryReadWhole("s", out _));
        await Assert.ThrowsAsync<DiskIoException>(() => ShardData.GetAsync(store, "s"));
        store.Dispose();
    }
}
