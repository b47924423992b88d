using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class ConditionalCommitTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => _h.Service.CreateBucketAsync("bkt", "alice", "", default);

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_PutObject_IfNoneMatchStarFailsWhenKeyExists()
    {
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", true, default);

        var e = await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", true, default));

        Assert.Equal((NamespaceErrorKind.FailedPrecondition, ErrorCodes.PreconditionFailed), (e.Kind, e.Code));
        Assert.Equal(Objects.ETagOf("v1"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_IfNoneMatchStarSucceedsOverDeleteMarker()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default);
        await _h.Service.DeleteObjectAsync("bkt", "k", "", default);

        var put = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", true, default);

        Assert.True(put.Object.IsLatest);
    }

    [Fact]
    public async Task NamespaceService_PutObject_IfMatchComparesETagWithOrWithoutQuotes()
    {
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default);

        var wrong = await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), Objects.ETagOf("other"), false, default));
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), ETags.Unquote(Objects.ETagOf("v1")), false, default);

        Assert.Equal(ErrorCodes.PreconditionFailed, wrong.Code);
        Assert.Equal(Objects.ETagOf("v2"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_IfMatchOnMissingKeyIsNoSuchKey()
    {
        var e = await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), Objects.ETagOf("x"), false, default));

        Assert.Equal(ErrorCodes.NoSuchKey, e.Code);
    }

    [Fact]
    public async Task NamespaceService_PutObject_ConcurrentIfNoneMatchHasExactlyOneWinner()
    {
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await _h.Service.PutObjectAsync(Objects.Version("bkt", "race", $"c{i}"), "", true, default);
                return $"c{i}";
            }
            catch (NamespaceException e) when (e.Code == ErrorCodes.PreconditionFailed)
            {
                return null;
            }
        })).ToList();

        var winners = (await Task.WhenAll(attempts)).Where(w => w is not null).ToList();

        var winner = Assert.Single(winners);
        Assert.Equal(Objects.ETagOf(winner!), (await _h.Service.GetObjectAsync("bkt", "race", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_ConcurrentUnconditionalLeavesOneVersionAndCollectsTheRest()
    {
        var puts = Enumerable.Range(0, 12)
            .Select(i => Task.Run(() => _h.Service.PutObjectAsync(Objects.Version("bkt", "race", $"c{i}"), "", false, default)))
            .ToList();
        var results = await Task.WhenAll(puts);

        var versions = await _h.Service.ListObjectVersionsAsync("bkt", "", "", "", "", 0, default);
        var survivor = Assert.Single(versions.Versions);
        var collected = results.SelectMany(r => r.Garbage).SelectMany(l => l.Shards).Select(s => s.ShardId).ToHashSet();
        var live = (await _h.Service.GetObjectAsync("bkt", "race", "", default)).Parts[0].Layout.Shards.Select(s => s.ShardId).ToList();
        Assert.Equal(11 * 3, collected.Count);
        Assert.DoesNotContain(live[0], collected);
        Assert.Equal(survivor.Etag, results.Single(r => r.Object.Etag == survivor.Etag).Object.Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_TwoInstancesRacingIfNoneMatchHaveOneWinner()
    {
        NamespaceService[] instances = [_h.Service, _h.StartAnotherInstance()];
        var attempts = Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
        {
            try
            {
                await instances[i % 2].PutObjectAsync(Objects.Version("bkt", "race", $"c{i}"), "", true, default);
                return $"c{i}";
            }
            catch (NamespaceException e) when (e.Code == ErrorCodes.PreconditionFailed)
            {
                return null;
            }
        })).ToList();

        var winners = (await Task.WhenAll(attempts)).Where(w => w is not null).ToList();

        var winner = Assert.Single(winners);
        Assert.Equal(Objects.ETagOf(winner!), (await instances[1].GetObjectAsync("bkt", "race", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_TwoInstancesRacingOverwritesKeepIndexAndCountersExact()
    {
        NamespaceService[] instances = [_h.Service, _h.StartAnotherInstance()];
        var puts = Enumerable.Range(0, 20).Select(i => Task.Run(() =>
            instances[i % 2].PutObjectAsync(Objects.Version("bkt", $"k{i % 3}", $"c{i}"), "", false, default))).ToList();
        var results = await Task.WhenAll(puts);

        // Every displaced layout is handed to GC exactly once; the survivors' shards never are.
        var collected = results.SelectMany(r => r.Garbage).SelectMany(l => l.Shards).Select(s => s.ShardId).ToList();
        var survivors = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            var live = await instances[1 - (k % 2)].GetObjectAsync("bkt", $"k{k}", "", default);
            survivors.AddRange(live.Parts[0].Layout.Shards.Select(s => s.ShardId));
        }

        Assert.Equal((20 - 3) * 3, collected.Count);
        Assert.Equal(collected.Count, collected.Distinct().Count());
        Assert.Empty(collected.Intersect(survivors));
        var indexed = (await _h.Service.ListShardsOnDiskAsync("d1", "", 1000, default)).Shards.Select(s => s.ShardId);
        var survivorsOnD1 = await Task.WhenAll(Enumerable.Range(0, 3).Select(async k =>
            (await _h.Service.GetObjectAsync("bkt", $"k{k}", "", default)).Parts[0].Layout.Shards.Single(s => s.DiskId == "d1").ShardId));
        Assert.Equal(survivorsOnD1.Order(), indexed.Order());
        var stats = await instances[1].GetStatsAsync(default);
        Assert.Equal((3UL, 3UL, 300UL), (stats.Objects, stats.Versions, stats.Bytes));
    }

    [Fact]
    public async Task NamespaceService_PutObject_ReplayedLayoutIsNeverCollected()
    {
        // An idempotent retry commits the same shards again: displacing the first commit must not
        // hand shards the new version still references to GC.
        var obj = Objects.Version("bkt", "k", "v1");
        await _h.Service.PutObjectAsync(obj, "", false, default);

        var retry = await _h.Service.PutObjectAsync(obj, "", false, default);

        Assert.Empty(retry.Garbage);
        Assert.Empty(_h.Garbage.Events);
        Assert.True(await _h.Service.IsShardReferencedAsync(obj.Parts[0].Layout.Shards[0].ShardId, default));
    }

    [Fact]
    public async Task NamespaceService_PutObject_BusFailureDoesNotFailACommittedOverwrite()
    {
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default);
        _h.SinkOverride = new FailingGarbageSink();

        var second = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", false, default);

        Assert.Single(second.Garbage);
        Assert.Equal(Objects.ETagOf("v2"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
    }
}

public sealed class ConditionalCommitTestsOnSqlite() : ConditionalCommitTests(Backend.Sqlite);

public sealed class ConditionalCommitTestsOnPostgres() : ConditionalCommitTests(Backend.Postgres);
