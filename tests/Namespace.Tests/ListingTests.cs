using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class ListingTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => _h.Service.CreateBucketAsync("bkt", "alice", "", default);

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_ListObjects_OrdersKeysByUtf8Bytes()
    {
        // UTF-16 order would put U+1F600 (a surrogate pair, 0xD83D...) before U+FF21; UTF-8 bytes put it after.
        string[] keys = ["ä", "b", "a", "B", "A", "\uFF21", "\U0001F600", "a0", "a/"];
        foreach (var key in keys)
        {
            await Put(key);
        }

        var listed = (await _h.Service.ListObjectsAsync("bkt", "", "", "", 0, default)).Objects.Select(o => o.Key).ToList();

        Assert.Equal(["A", "B", "a", "a/", "a0", "b", "ä", "\uFF21", "\U0001F600"], listed);
        Assert.True(listed.IndexOf("a") < listed.IndexOf("b") && listed.IndexOf("b") < listed.IndexOf("ä"));
    }

    [Fact]
    public async Task NamespaceService_ListObjects_PrefixDelimiterAndStartAfter()
    {
        foreach (var key in new[] { "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg", "photosx", "videos/v.mp4" })
        {
            await Put(key);
        }

        var root = await _h.Service.ListObjectsAsync("bkt", "", "/", "", 0, default);
        var photos = await _h.Service.ListObjectsAsync("bkt", "photos/", "/", "", 0, default);
        var after = await _h.Service.ListObjectsAsync("bkt", "photos/", "/", "photos/2024/", 0, default);

        Assert.Equal(["photosx"], root.Objects.Select(o => o.Key));
        Assert.Equal(["photos/", "videos/"], root.CommonPrefixes);
        Assert.Equal(["photos/top.jpg"], photos.Objects.Select(o => o.Key));
        Assert.Equal(["photos/2024/", "photos/2025/"], photos.CommonPrefixes);
        Assert.Equal(["photos/2025/"], after.CommonPrefixes);
        Assert.Empty(root.Objects.SelectMany(o => o.Parts));
    }

    [Fact]
    public async Task NamespaceService_ListObjects_PagesCoverEverythingOnce()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"k{i:D2}").Concat(Enumerable.Range(0, 5).Select(i => $"d{i}/x")).ToList();
        foreach (var key in keys)
        {
            await Put(key);
        }

        var seen = new List<string>();
        var startAfter = "";
        var pages = 0;
        while (true)
        {
            var page = await _h.Service.ListObjectsAsync("bkt", "", "/", startAfter, 4, default);
            pages++;
            Assert.True(page.Objects.Count + page.CommonPrefixes.Count <= 4);
            seen.AddRange(page.Objects.Select(o => o.Key).Concat(page.CommonPrefixes).Order(StringComparer.Ordinal));
            if (!page.IsTruncated)
            {
                break;
            }

            startAfter = page.NextStartAfter;
        }

        var expected = keys.Where(k => !k.Contains('/', StringComparison.Ordinal))
            .Concat(Enumerable.Range(0, 5).Select(i => $"d{i}/"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(expected, seen);
        Assert.Equal(8, pages);
    }

    [Fact]
    public async Task NamespaceService_ListObjects_SeeksPastCommonPrefixInsteadOfScanningIt()
    {
        for (var i = 0; i < 300; i++)
        {
            await Put($"big/{i:D4}");
        }

        await Put("small/1");
        await Put("tail");
        var counting = new CountingStore(_h.Store);
        _h.Decorate(_ => counting);

        var page = await _h.Service.ListObjectsAsync("bkt", "", "/", "", 1000, default);

        Assert.Equal(["big/", "small/"], page.CommonPrefixes);
        Assert.Equal(["tail"], page.Objects.Select(o => o.Key));
        Assert.True(counting.RowsRead <= 4, $"read {counting.RowsRead} rows for a 3-entry page");
    }

    [Fact]
    public async Task NamespaceService_ListObjects_HidesKeysWhoseLatestIsADeleteMarker()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        await Put("gone");
        await Put("kept");
        await _h.Service.DeleteObjectAsync("bkt", "gone", "", default);

        var objects = await _h.Service.ListObjectsAsync("bkt", "", "", "", 0, default);
        var versions = await _h.Service.ListObjectVersionsAsync("bkt", "", "", "", "", 0, default);

        Assert.Equal(["kept"], objects.Objects.Select(o => o.Key));
        Assert.Equal([("gone", true, true), ("gone", false, false), ("kept", false, true)],
            versions.Versions.Select(v => (v.Key, v.IsDeleteMarker, v.IsLatest)));
    }

    [Fact]
    public async Task NamespaceService_ListObjectVersions_PagesWithinOneKey()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await Put("k")).VersionId);
        }

        var first = await _h.Service.ListObjectVersionsAsync("bkt", "", "", "", "", 2, default);
        var second = await _h.Service.ListObjectVersionsAsync("bkt", "", "", first.NextKeyMarker, first.NextVersionIdMarker, 2, default);

        ids.Reverse();
        Assert.Equal(ids.Take(2), first.Versions.Select(v => v.VersionId));
        Assert.Equal(("k", ids[1]), (first.NextKeyMarker, first.NextVersionIdMarker));
        Assert.Equal(ids.Skip(2).Take(2), second.Versions.Select(v => v.VersionId));
        Assert.All(second.Versions, v => Assert.False(v.IsLatest));
    }

    [Fact]
    public async Task NamespaceService_ListObjects_MaxKeysCappedAt1000()
    {
        await Put("only");

        var page = await _h.Service.ListObjectsAsync("bkt", "", "", "", 5000, default);

        Assert.Single(page.Objects);
        Assert.False(page.IsTruncated);
        Assert.Equal("", page.NextStartAfter);
    }

    private async Task<ObjectVersion> Put(string key) =>
        (await _h.Service.PutObjectAsync(Objects.Version("bkt", key), "", false, default)).Object;
}

public sealed class ListingTestsOnSqlite() : ListingTests(Backend.Sqlite);

public sealed class ListingTestsOnPostgres() : ListingTests(Backend.Postgres);
