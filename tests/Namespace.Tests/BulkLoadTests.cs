using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests of the bulk-load path: what it writes must read back exactly like committed PUTs.</summary>
public abstract class BulkLoadTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => _h.Service.CreateBucketAsync("bkt", "alice", "", default);

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task Store_BulkInsertNewKeys_ReadsBackLikeCommittedObjects()
    {
        var loaded = Enumerable.Range(0, 50).Select(i => Record($"dir/{i:D3}")).ToList();

        await ((INamespaceBulkLoader)_h.Store).BulkInsertNewKeysAsync(loaded, default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "dir/025", "overwrite"), "", false, default);

        var page = await _h.Service.ListObjectsAsync("bkt", "dir/", "", "dir/009", 5, default);
        Assert.Equal(["dir/010", "dir/011", "dir/012", "dir/013", "dir/014"], page.Objects.Select(o => o.Key));
        Assert.Equal(Objects.ETagOf("overwrite"), (await _h.Service.GetObjectAsync("bkt", "dir/025", "", default)).Etag);
        var displaced = loaded[25].Object.Parts[0].Layout.Shards[0].ShardId;
        Assert.False(await _h.Service.IsShardReferencedAsync(displaced, default));
        Assert.True(await _h.Service.IsShardReferencedAsync(loaded[26].Object.Parts[0].Layout.Shards[0].ShardId, default));
        var stats = await _h.Service.GetStatsAsync(default);
        Assert.Equal((50UL, 50UL, 50UL * 100), (stats.Objects, stats.Versions, stats.Bytes));
    }

    [Fact]
    public async Task Store_BulkInsertNewKeys_ExistingKeyFailsTheWholeBatch()
    {
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "b"), "", false, default);

        await Assert.ThrowsAnyAsync<Exception>(
            () => ((INamespaceBulkLoader)_h.Store).BulkInsertNewKeysAsync([Record("a"), Record("b")], default));

        var page = await _h.Service.ListObjectsAsync("bkt", "", "", "", 10, default);
        Assert.Equal(["b"], page.Objects.Select(o => o.Key));
    }

    private static VersionRecord Record(string key)
    {
        var obj = Objects.Version("bkt", key);
        obj.VersionId = "null";
        return new VersionRecord("bkt", ObjectKeys.Encode(key), 0, obj);
    }
}

public sealed class BulkLoadTestsOnSqlite() : BulkLoadTests(Backend.Sqlite);

public sealed class BulkLoadTestsOnPostgres() : BulkLoadTests(Backend.Postgres);
