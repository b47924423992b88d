using Cairn.Namespace.Domain;
using Cairn.Namespace.Store;
using Cairn.Namespace.Store.Postgres;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>What only the PostgreSQL backend has: its schema stamp, concurrent start-up, and the cost of a listing in rows fetched.</summary>
public sealed class PostgresStoreTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase _db = PostgresTestDatabase.Create();

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    [Fact]
    public async Task PostgresNamespaceStore_Open_RefusesNewerSchemaVersion()
    {
        await using (PostgresNamespaceStore.Open(_db.ConnectionString))
        {
        }

        _db.Execute("UPDATE cairn_meta SET value = 2 WHERE name = 'schema_version'");

        var e = Assert.Throws<InvalidOperationException>(() => PostgresNamespaceStore.Open(_db.ConnectionString));
        Assert.Contains("newer", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgresNamespaceStore_Open_RefusesForeignSchema()
    {
        _db.Execute("CREATE TABLE versions(x int)");

        Assert.Throws<InvalidOperationException>(() => PostgresNamespaceStore.Open(_db.ConnectionString));
    }

    [Fact]
    public async Task PostgresNamespaceStore_Open_ConcurrentInstancesOnAFreshSchemaAllStart()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresNamespaceStore.Open(_db.ConnectionString))));

        foreach (var store in stores)
        {
            var counters = await store.ReadAsync(r => r.GetCounters(), default);
            Assert.Equal(0, counters.Objects);
            await store.DisposeAsync();
        }
    }

    [Fact]
    public async Task PostgresNamespaceStore_WriteAsync_LostRaceIsRerunAgainstTheWinnersCommit()
    {
        await using var h = NamespaceHarness.Create(Backend.Postgres);
        await h.Service.CreateBucketAsync("bkt", "alice", "", default);
        var store = (PostgresNamespaceStore)h.Store;
        var key = ObjectKeys.Encode("k");
        using var loserHasRead = new ManualResetEventSlim();
        using var winnerCommitted = new ManualResetEventSlim();
        var attempts = 0;

        // The loser reads the key, then the winner commits a version of it, then the loser writes it.
        var loser = Task.Run(() => store.WriteAsync(w =>
        {
            var seen = w.GetLatestVersion("bkt", key);
            if (Interlocked.Increment(ref attempts) == 1)
            {
                loserHasRead.Set();
                winnerCommitted.Wait(TimeSpan.FromSeconds(30));
            }

            var obj = Objects.Version("bkt", "k", "loser");
            obj.VersionId = $"loser-{attempts}";
            w.InsertVersion(new VersionRecord("bkt", key, w.NextSequence(), obj));
            return seen;
        }, default));
        Assert.True(loserHasRead.Wait(TimeSpan.FromSeconds(30)));
        await h.Service.PutObjectAsync(Objects.Version("bkt", "k", "winner"), "", false, default);
        winnerCommitted.Set();

        var seenByCommittedAttempt = await loser;

        Assert.Equal(2, attempts);
        Assert.Equal(Objects.ETagOf("winner"), seenByCommittedAttempt?.Object.Etag);
        Assert.Equal(1, store.Retries);
    }

    [Fact]
    public async Task PostgresNamespaceStore_ListWithDelimiter_FetchesRowsPerPrefixNotPerKey()
    {
        await using var h = NamespaceHarness.Create(Backend.Postgres, postgresMaxScanBatch: 1024);
        await h.Service.CreateBucketAsync("bkt", "alice", "", default);
        for (var p = 0; p < 3; p++)
        {
            for (var i = 0; i < 200; i++)
            {
                await h.Service.PutObjectAsync(Objects.Version("bkt", $"dir{p}/{i:D4}"), "", false, default);
            }
        }

        var store = (PostgresNamespaceStore)h.Store;
        var before = store.RowsFetched;
        var page = await h.Service.ListObjectsAsync("bkt", "", "/", "", 1000, default);

        Assert.Equal(["dir0/", "dir1/", "dir2/"], page.CommonPrefixes);
        var fetched = store.RowsFetched - before;
        // One walk, one row per common prefix.
        Assert.True(fetched <= 3, $"fetched {fetched} rows for 3 common prefixes over 600 keys");
    }

    [Fact]
    public async Task PostgresNamespaceStore_ListingsAndPointReads_PlanIndexScansOnly()
    {
        // Enough rows that a sequential scan is a real (and wrong) option for the planner.
        await using var h = NamespaceHarness.Create(Backend.Postgres, postgresMaxScanBatch: 1024);
        await h.Service.CreateBucketAsync("bkt", "alice", "", default);
        var store = (PostgresNamespaceStore)h.Store;
        for (var batch = 0; batch < 4; batch++)
        {
            await store.BulkInsertNewKeysAsync(Enumerable.Range(batch * 5000, 5000).Select(i =>
            {
                var key = $"d{i / 100:D3}/k{i % 100:D3}";
                var obj = Objects.Version("bkt", key);
                obj.VersionId = "null";
                return new VersionRecord("bkt", ObjectKeys.Encode(key), 0, obj);
            }).ToList(), default);
        }

        _db.Execute($"ANALYZE {h.PostgresSchema}.versions, {h.PostgresSchema}.live, {h.PostgresSchema}.shards");
        store.CapturedPlans = new();

        await h.Service.ListObjectsAsync("bkt", "", "", "d100/k050", 1000, default);
        await h.Service.ListObjectsAsync("bkt", "", "/", "d050/", 1000, default);
        await h.Service.ListObjectVersionsAsync("bkt", "d010/", "", "", "", 1000, default);
        await h.Service.GetObjectAsync("bkt", "d123/k045", "", default);
        await h.Service.ListShardsOnDiskAsync("d1", "", 100, default);

        var plans = store.CapturedPlans.ToList();
        Assert.NotEmpty(plans);
        foreach (var table in new[] { "live", "versions", "shards" })
        {
            var bad = plans.FirstOrDefault(p => p.Contains($"Seq Scan on {table}", StringComparison.Ordinal));
            Assert.True(bad is null, $"sequential scan of {table}:\n{bad}");
        }
    }

    [Fact]
    public async Task PostgresNamespaceStore_ListWithoutDelimiter_FetchesAboutOnePage()
    {
        await using var h = NamespaceHarness.Create(Backend.Postgres, postgresMaxScanBatch: 1024);
        await h.Service.CreateBucketAsync("bkt", "alice", "", default);
        for (var i = 0; i < 400; i++)
        {
            await h.Service.PutObjectAsync(Objects.Version("bkt", $"k{i:D4}"), "", false, default);
        }

        var store = (PostgresNamespaceStore)h.Store;
        var before = store.RowsFetched;
        var page = await h.Service.ListObjectsAsync("bkt", "", "", "k0100", 50, default);

        Assert.Equal(50, page.Objects.Count);
        Assert.Equal("k0101", page.Objects[0].Key);
        var fetched = store.RowsFetched - before;
        // One batch of the page plus one, whatever the 400 keys around it.
        Assert.True(fetched <= 51, $"fetched {fetched} rows for a 50-key page");
    }
}
