using System.Diagnostics.CodeAnalysis;
using Cairn.StorageNode.Disks;
using Cairn.StorageNode.Shards;

namespace StorageNode.Tests;

public class DiskTests
{
    [Fact]
    public void DiskIdentity_LoadOrCreate_ReusesTheIdAfterRestart()
    {
        using var dir = new TempDirectory();

        string first = DiskIdentity.LoadOrCreate(dir.Path, "node1-d0");
        string second = DiskIdentity.LoadOrCreate(dir.Path, "node2-d7");

        Assert.Equal("node1-d0", first);
        Assert.Equal("node1-d0", second);
        Assert.StartsWith("CAIRNDISK/1\n", File.ReadAllText(Path.Combine(dir.Path, DiskIdentity.FileName)), StringComparison.Ordinal);
    }

    [Fact]
    public void DiskIdentity_LoadOrCreate_RefusesAForeignFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, DiskIdentity.FileName), "something else");

        Assert.Throws<InvalidOperationException>(() => DiskIdentity.LoadOrCreate(dir.Path, "x"));
    }

    [Fact]
    public async Task InstrumentedShardStore_Operations_CountReadsWritesAndBytes()
    {
        using var dir = new TempDirectory();
        var store = new InstrumentedShardStore(ShardData.Open(dir.Path), "d0");

        await ShardData.PutAsync(store, "s", ShardData.Bytes(100, 1), 16);
        await ShardData.GetAsync(store, "s");
        await ShardData.GetAsync(store, "s", 10, 5);

        var counters = store.Counters;
        Assert.Equal(1, counters.Writes);
        Assert.Equal(100, counters.BytesWritten);
        Assert.Equal(2, counters.Reads);
        Assert.Equal(100 + 16, counters.BytesRead); // whole blocks leave the disk; the reader trims
        Assert.Equal(0, counters.Errors);
    }

    [Fact]
    public async Task InstrumentedShardStore_InjectFault_FailsEveryCallAtRateOneButNeverFailsTheDisk()
    {
        using var dir = new TempDirectory();
        var store = new InstrumentedShardStore(ShardData.Open(dir.Path), "d0");
        store.InjectFault(new InjectedFault(0, 1.0));

        for (int i = 0; i < InstrumentedShardStore.FailureThreshold + 2; i++)
        {
            await Assert.ThrowsAsync<DiskIoException>(() => store.StatAsync("s", CancellationToken.None));
        }

        Assert.False(store.Failed);
        Assert.Equal(InstrumentedShardStore.FailureThreshold + 2, store.Counters.Errors);
        store.InjectFault(InjectedFault.None);
        Assert.Null(await store.StatAsync("s", CancellationToken.None));
    }

    [Fact]
    public void InstrumentedShardStore_TryReadWhole_IoErrorsCountTowardFailingTheDisk()
    {
        var store = new InstrumentedShardStore(new BrokenStore(), "d0");

        for (int i = 0; i < InstrumentedShardStore.FailureThreshold; i++)
        {
            Assert.Throws<DiskIoException>(() => store.TryReadWhole("s", out _));
        }

        Assert.True(store.Failed);
        Assert.Throws<DiskFailedException>(() => store.TryReadWhole("s", out _));
    }

    [Fact]
    public async Task InstrumentedShardStore_RepeatedIoErrors_MarkTheDiskFailed()
    {
        var store = new InstrumentedShardStore(new BrokenStore(), "d0");

        for (int i = 0; i < InstrumentedShardStore.FailureThreshold; i++)
        {
            await Assert.ThrowsAsync<DiskIoException>(() => store.StatAsync("s", CancellationToken.None));
        }

        Assert.True(store.Failed);
        await Assert.ThrowsAsync<DiskFailedException>(() => store.StatAsync("s", CancellationToken.None));
        Assert.Throws<DiskFailedException>(() => store.List(null, 1));
    }

    /// <summary>A disk whose every I/O fails.</summary>
    private sealed class BrokenStore : IShardStore
    {
        public Task<StoredShard> WriteAsync(string shardId, int blockSize, IAsyncEnumerable<IncomingBlock> blocks, CancellationToken ct) => throw Io();

        public Task<IShardReadStream> OpenReadAsync(string shardId, CancellationToken ct) => throw Io();

        public bool TryReadWhole(string shardId, [NotNullWhen(true)] out WholeShard? shard) => throw Io();

        public Task<bool> DeleteAsync(string shardId, CancellationToken ct) => throw Io();

        public Task<StoredShard?> StatAsync(string shardId, CancellationToken ct) => Task.FromException<StoredShard?>(Io());

        public ShardPage List(string? startAfter, int limit) => throw Io();

        public Task<ScrubReport> ScrubAsync(CancellationToken ct) => throw Io();

        public StoreUsage GetUsage() => new(100, 0, 0, false);

        private static DiskIoException Io() => new("EIO");
    }
}
