using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class VersioningTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => _h.Service.CreateBucketAsync("bkt", "alice", "", default);

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_PutObject_UnversionedOverwriteReturnsOldLayoutAsGarbage()
    {
        var first = Objects.Version("bkt", "k", "v1");
        await _h.Service.PutObjectAsync(first, "", false, default);

        var second = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", false, default);

        Assert.Equal(Identifiers.NullVersion, second.Object.VersionId);
        var garbage = Assert.Single(second.Garbage);
        Assert.Equal(first.Parts[0].Layout.Shards.Select(s => s.ShardId), garbage.Shards.Select(s => s.ShardId));
        var published = Assert.Single(_h.Garbage.Events);
        Assert.Equal(("bkt", "k", "overwritten"), (published.Bucket, published.Key, published.Reason));
        Assert.Equal(Objects.ETagOf("v2"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_VersionedKeepsEveryVersionNewestFirst()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        var v1 = (await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default)).Object;
        var v2 = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", false, default);

        Assert.Empty(v2.Garbage);
        Assert.NotEqual(v1.VersionId, v2.Object.VersionId);
        Assert.True(string.CompareOrdinal(v1.VersionId, v2.Object.VersionId) < 0, "version ids are time-ordered");
        var listing = await _h.Service.ListObjectVersionsAsync("bkt", "", "", "", "", 0, default);
        Assert.Equal([v2.Object.VersionId, v1.VersionId], listing.Versions.Select(v => v.VersionId));
        Assert.Equal([true, false], listing.Versions.Select(v => v.IsLatest));
        var old = await _h.Service.GetObjectAsync("bkt", "k", v1.VersionId, default);
        Assert.False(old.IsLatest);
        Assert.Equal(Objects.ETagOf("v1"), old.Etag);
    }

    [Fact]
    public async Task NamespaceService_GetObject_LatestDeleteMarkerIsNoSuchKeyWithTrailers()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), "", false, default);
        var delete = await _h.Service.DeleteObjectAsync("bkt", "k", "", default);

        Assert.True(delete.DeleteMarker);
        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("bkt", "k", "", default));
        Assert.Equal((NamespaceErrorKind.NotFound, ErrorCodes.NoSuchKey), (e.Kind, e.Code));
        Assert.Equal("true", e.Trailers[ErrorCodes.DeleteMarkerTrailer]);
        Assert.Equal(delete.VersionId, e.Trailers[ErrorCodes.VersionIdTrailer]);

        var byId = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("bkt", "k", delete.VersionId, default));
        Assert.Equal((NamespaceErrorKind.FailedPrecondition, ErrorCodes.MethodNotAllowed), (byId.Kind, byId.Code));
        Assert.Equal(delete.VersionId, byId.Trailers[ErrorCodes.VersionIdTrailer]);
    }

    [Fact]
    public async Task NamespaceService_DeleteObject_RemovingDeleteMarkerRestoresPreviousVersion()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default);
        var marker = await _h.Service.DeleteObjectAsync("bkt", "k", "", default);
        Assert.Empty((await _h.Service.ListObjectsAsync("bkt", "", "", "", 0, default)).Objects);

        var removed = await _h.Service.DeleteObjectAsync("bkt", "k", marker.VersionId, default);

        Assert.True(removed.DeleteMarker);
        Assert.Empty(removed.Garbage);
        Assert.Equal(Objects.ETagOf("v1"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
        Assert.Single((await _h.Service.ListObjectsAsync("bkt", "", "", "", 0, default)).Objects);
    }

    [Fact]
    public async Task NamespaceService_DeleteObject_ByVersionIdCollectsThatVersionOnly()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        var v1 = (await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default)).Object;
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v2"), "", false, default);

        var deleted = await _h.Service.DeleteObjectAsync("bkt", "k", v1.VersionId, default);

        Assert.False(deleted.DeleteMarker);
        Assert.Equal(v1.Parts[0].Layout.Shards.Select(s => s.ShardId), Assert.Single(deleted.Garbage).Shards.Select(s => s.ShardId));
        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("bkt", "k", v1.VersionId, default));
        Assert.Equal(ErrorCodes.NoSuchVersion, e.Code);
        Assert.Equal(Objects.ETagOf("v2"), (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Etag);
    }

    [Fact]
    public async Task NamespaceService_PutObject_SuspendedReplacesOnlyTheNullVersion()
    {
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        var kept = (await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default)).Object;
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Suspended, default);

        var n1 = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "n1"), "", false, default);
        var n2 = await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "n2"), "", false, default);
        var marker = await _h.Service.DeleteObjectAsync("bkt", "k", "", default);

        Assert.Equal(Identifiers.NullVersion, n1.Object.VersionId);
        Assert.Empty(n1.Garbage);
        Assert.Single(n2.Garbage);
        Assert.Equal((true, Identifiers.NullVersion), (marker.DeleteMarker, marker.VersionId));
        Assert.Single(marker.Garbage);
        var versions = (await _h.Service.ListObjectVersionsAsync("bkt", "", "", "", "", 0, default)).Versions;
        Assert.Equal([Identifiers.NullVersion, kept.VersionId], versions.Select(v => v.VersionId));
        Assert.True(versions[0].IsDeleteMarker);
    }

    [Fact]
    public async Task NamespaceService_DeleteObject_UnversionedMissingKeySucceeds()
    {
        var result = await _h.Service.DeleteObjectAsync("bkt", "missing", "", default);

        Assert.False(result.DeleteMarker);
        Assert.Empty(result.Garbage);
    }

    [Fact]
    public async Task NamespaceService_UpdateObjectTags_ReplacesTagsOfLatest()
    {
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), "", false, default);

        await _h.Service.UpdateObjectTagsAsync("bkt", "k", "", new Dictionary<string, string> { ["a"] = "1" }, default);
        var updated = await _h.Service.UpdateObjectTagsAsync("bkt", "k", "", new Dictionary<string, string> { ["b"] = "2" }, default);

        Assert.Equal(["b"], updated.Tags.Keys);
        Assert.Equal("2", (await _h.Service.GetObjectAsync("bkt", "k", "", default)).Tags["b"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("nul\0key")]
    public async Task NamespaceService_PutObject_RejectsMalformedKeys(string key)
    {
        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.PutObjectAsync(Objects.Version("bkt", key), "", false, default));
        Assert.Equal(NamespaceErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public async Task NamespaceService_PutObject_RejectsKeyOver1024Bytes()
    {
        var e = await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.PutObjectAsync(Objects.Version("bkt", new string('ä', 513)), "", false, default));
        Assert.Equal(ErrorCodes.KeyTooLong, e.Code);
    }

    [Fact]
    public async Task NamespaceService_GetObject_MissingBucketAndKey()
    {
        var noBucket = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("nope", "k", "", default));
        var noKey = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetObjectAsync("bkt", "k", "", default));

        Assert.Equal(ErrorCodes.NoSuchBucket, noBucket.Code);
        Assert.Equal(ErrorCodes.NoSuchKey, noKey.Code);
    }
}

public sealed class VersioningTestsOnSqlite() : VersioningTests(Backend.Sqlite);

public sealed class VersioningTestsOnPostgres() : VersioningTests(Backend.Postgres);
