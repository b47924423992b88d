using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class BucketTests(Backend backend) : IAsyncLifetime
{
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_CreateBucket_DuplicateReportsOwnership()
    {
        await _h.Service.CreateBucketAsync("photos", "alice", "us-east-1", default);

        var mine = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.CreateBucketAsync("photos", "alice", "", default));
        var theirs = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.CreateBucketAsync("photos", "bob", "", default));

        Assert.Equal((NamespaceErrorKind.AlreadyExists, ErrorCodes.BucketAlreadyOwnedByYou), (mine.Kind, mine.Code));
        Assert.Equal((NamespaceErrorKind.AlreadyExists, ErrorCodes.BucketAlreadyExists), (theirs.Kind, theirs.Code));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Upper")]
    [InlineData("-leading")]
    [InlineData("a..b")]
    [InlineData("has_underscore")]
    public async Task NamespaceService_CreateBucket_RejectsInvalidNames(string name)
    {
        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.CreateBucketAsync(name, "alice", "", default));
        Assert.Equal(ErrorCodes.InvalidBucketName, e.Code);
    }

    [Fact]
    public async Task NamespaceService_DeleteBucket_RefusesWhenNotEmpty()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k"), "", false, default);

        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.DeleteBucketAsync("bkt", default));
        Assert.Equal(ErrorCodes.BucketNotEmpty, e.Code);

        await _h.Service.DeleteObjectAsync("bkt", "k", "", default);
        await _h.Service.DeleteBucketAsync("bkt", default);
        var gone = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetBucketAsync("bkt", default));
        Assert.Equal(ErrorCodes.NoSuchBucket, gone.Code);
    }

    [Fact]
    public async Task NamespaceService_DeleteBucket_UnfinishedUploadKeepsItNotEmpty()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        await _h.Service.CreateMultipartUploadAsync(new ObjectVersion { Bucket = "bkt", Key = "k" }, default);

        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.DeleteBucketAsync("bkt", default));
        Assert.Equal(ErrorCodes.BucketNotEmpty, e.Code);
    }

    [Fact]
    public async Task NamespaceService_SetBucketVersioning_CannotReturnToUnversioned()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Enabled, default);
        await _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Suspended, default);

        await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.SetBucketVersioningAsync("bkt", VersioningState.Unversioned, default));
        Assert.Equal(VersioningState.Suspended, (await _h.Service.GetBucketAsync("bkt", default)).Versioning);
    }

    [Fact]
    public async Task NamespaceService_ListBuckets_FiltersByOwnerInNameOrder()
    {
        await _h.Service.CreateBucketAsync("zeta", "alice", "", default);
        await _h.Service.CreateBucketAsync("alpha", "alice", "", default);
        await _h.Service.CreateBucketAsync("beta", "bob", "", default);

        var alice = await _h.Service.ListBucketsAsync("alice", default);
        var all = await _h.Service.ListBucketsAsync("", default);

        Assert.Equal(["alpha", "zeta"], alice.Select(b => b.Name));
        Assert.Equal(3, all.Count);
    }

    [Fact]
    public async Task Store_Reopen_KeepsCommittedState()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        await _h.Service.PutObjectAsync(Objects.Version("bkt", "k", "v1"), "", false, default);

        await _h.ReopenAsync();

        var got = await _h.Service.GetObjectAsync("bkt", "k", "", default);
        Assert.Equal(Objects.ETagOf("v1"), got.Etag);
        var stats = await _h.Service.GetStatsAsync(default);
        Assert.Equal((1UL, 1UL, 1UL, 100UL), (stats.Buckets, stats.Objects, stats.Versions, stats.Bytes));
    }
}

public sealed class BucketTestsOnSqlite() : BucketTests(Backend.Sqlite);

public sealed class BucketTestsOnPostgres() : BucketTests(Backend.Postgres);
