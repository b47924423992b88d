using Cairn.Frontend.DataPath;
using Cairn.StorageNode.Client;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

public class ShardCursorTests
{
    private static async Task<(InMemoryCluster Cluster, byte[] Data)> OneShardAsync(int size)
    {
        var cluster = new InMemoryCluster();
        var data = DataPathHarness.Payload(size);
        await using var write = await cluster.OpenWriteAsync("e", "disk-0", "s", size, CancellationToken.None);
        await write.WriteBlockAsync(data, CancellationToken.None);
        await write.CommitAsync(CancellationToken.None);
        return (cluster, data);
    }

    [Fact]
    public async Task ShardCursor_ReadExactlyAsync_ReadsConsecutiveBlocksOfOneStream()
    {
        var (cluster, data) = await OneShardAsync(200_000);
        await using var cursor = new ShardCursor(cluster, "e", "disk-0", "s", 1000, 200_000, CancellationToken.None);
        var first = new byte[70_000];
        var second = new byte[129_000];
        await cursor.ReadExactlyAsync(first, CancellationToken.None);
        await cursor.ReadExactlyAsync(second, CancellationToken.None);

        Assert.Equal(data.AsSpan(1000, 70_000).ToArray(), first);
        Assert.Equal(data.AsSpan(71_000).ToArray(), second);
        Assert.Equal(200_000, cursor.Position);
        Assert.Single(cluster.Reads);
    }

    [Fact]
    public async Task ShardCursor_ShardShorterThanAsked_IsCorruptAndBroken()
    {
        var (cluster, _) = await OneShardAsync(1000);
        await using var cursor = new ShardCursor(cluster, "e", "disk-0", "s", 0, 2000, CancellationToken.None);
        await Assert.ThrowsAsync<ShardCorruptException>(() => cursor.ReadExactlyAsync(new byte[2000], CancellationToken.None));
        Assert.True(cursor.Broken);
    }

    /// <summary>
    /// Regression: a hedge race cancels its losers; a loser that had just completed its block kept a cancelled
    /// stream and was reused for the next stripe, which then failed as if the shard were bad.
    /// </summary>
    [Fact]
    public async Task ShardCursor_CancelledAfterItsLastBlock_IsBrokenNotReused()
    {
        var (cluster, _) = await OneShardAsync(10_000);
        using var cancel = new CancellationTokenSource();
        await using var cursor = new ShardCursor(cluster, "e", "disk-0", "s", 0, 10_000, cancel.Token);
        await cursor.ReadExactlyAsync(new byte[5000], CancellationToken.None);
        Assert.False(cursor.Broken);

        await cancel.CancelAsync();
        Assert.True(cursor.Broken);
    }
}
