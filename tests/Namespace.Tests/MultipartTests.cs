using System.Security.Cryptography;
using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Namespace.Tests.Support;

namespace Namespace.Tests;

/// <summary>Contract tests: every backend must pass them (one subclass per backend below).</summary>
public abstract class MultipartTests(Backend backend) : IAsyncLifetime
{
    private const ulong FiveMiB = 5UL * 1024 * 1024;
    private readonly NamespaceHarness _h = NamespaceHarness.Create(backend);
    private string _uploadId = "";

    public async Task InitializeAsync()
    {
        await _h.Service.CreateBucketAsync("bkt", "alice", "", default);
        var upload = await _h.Service.CreateMultipartUploadAsync(
            new ObjectVersion { Bucket = "bkt", Key = "big", ContentType = "video/mp4" }, default);
        _uploadId = upload.UploadId;
    }

    public Task DisposeAsync() => _h.DisposeAsync().AsTask();

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_StitchesPartsWithS3ETag()
    {
        var p1 = await Put(1, FiveMiB, "one");
        var p2 = await Put(2, 10, "two");

        var done = await Complete((1, p1.Etag), (2, p2.Etag));

        var expected = Convert.ToHexStringLower(MD5.HashData(
            [.. Convert.FromHexString(ETags.Unquote(p1.Etag)), .. Convert.FromHexString(ETags.Unquote(p2.Etag))]));
        Assert.Equal($"\"{expected}-2\"", done.Object.Etag);
        Assert.Equal(FiveMiB + 10, done.Object.Size);
        Assert.Equal("video/mp4", done.Object.ContentType);
        Assert.Empty(done.Garbage);
        var stored = await _h.Service.GetObjectAsync("bkt", "big", "", default);
        Assert.Equal([1u, 2u], stored.Parts.Select(p => p.PartNumber));
        var e = await Assert.ThrowsAsync<NamespaceException>(() => _h.Service.GetMultipartUploadAsync("bkt", "big", _uploadId, default));
        Assert.Equal(ErrorCodes.NoSuchUpload, e.Code);
    }

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_UnlistedPartsBecomeGarbage()
    {
        var p1 = await Put(1, FiveMiB, "one");
        var p2 = await Put(2, 10, "two");
        var p3 = await Put(3, 10, "three");

        var done = await Complete((1, p1.Etag), (3, p3.Etag));

        Assert.Equal(p2.Layout.Shards.Select(s => s.ShardId), Assert.Single(done.Garbage).Shards.Select(s => s.ShardId));
        Assert.True(await _h.Service.IsShardReferencedAsync(p3.Layout.Shards[0].ShardId, default));
        Assert.False(await _h.Service.IsShardReferencedAsync(p2.Layout.Shards[0].ShardId, default));
    }

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_RejectsDescendingParts()
    {
        var p1 = await Put(1, FiveMiB, "one");
        var p2 = await Put(2, FiveMiB, "two");

        var e = await Assert.ThrowsAsync<NamespaceException>(() => Complete((2, p2.Etag), (1, p1.Etag)));

        Assert.Equal((NamespaceErrorKind.FailedPrecondition, ErrorCodes.InvalidPartOrder), (e.Kind, e.Code));
    }

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_RejectsMissingPartOrWrongETag()
    {
        var p1 = await Put(1, FiveMiB, "one");

        var missing = await Assert.ThrowsAsync<NamespaceException>(() => Complete((1, p1.Etag), (2, p1.Etag)));
        var wrongTag = await Assert.ThrowsAsync<NamespaceException>(() => Complete((1, Objects.ETagOf("nope"))));

        Assert.Equal(ErrorCodes.InvalidPart, missing.Code);
        Assert.Equal(ErrorCodes.InvalidPart, wrongTag.Code);
        Assert.Equal(_uploadId, (await _h.Service.GetMultipartUploadAsync("bkt", "big", _uploadId, default)).UploadId);
    }

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_RejectsSmallNonLastPart()
    {
        var p1 = await Put(1, FiveMiB - 1, "one");
        var p2 = await Put(2, 10, "two");

        var e = await Assert.ThrowsAsync<NamespaceException>(() => Complete((1, p1.Etag), (2, p2.Etag)));

        Assert.Equal(ErrorCodes.EntityTooSmall, e.Code);
    }

    [Fact]
    public async Task NamespaceService_PutPart_ReplacingAPartReturnsOldLayout()
    {
        var first = await Put(1, 10, "a");

        var replaced = await _h.Service.PutPartAsync("bkt", "big", _uploadId, Objects.Part(1, 20, "b"), default);

        Assert.Equal(first.Layout.Shards.Select(s => s.ShardId), Assert.Single(replaced).Shards.Select(s => s.ShardId));
        var parts = await _h.Service.ListPartsAsync("bkt", "big", _uploadId, 0, 0, default);
        Assert.Equal(20UL, Assert.Single(parts.Parts).Part.Size);
    }

    [Fact]
    public async Task NamespaceService_ListParts_PagesByPartNumber()
    {
        for (uint i = 1; i <= 5; i++)
        {
            await Put(i, 10, $"p{i}");
        }

        var first = await _h.Service.ListPartsAsync("bkt", "big", _uploadId, 0, 2, default);
        var second = await _h.Service.ListPartsAsync("bkt", "big", _uploadId, first.NextPartNumberMarker, 2, default);
        var last = await _h.Service.ListPartsAsync("bkt", "big", _uploadId, second.NextPartNumberMarker, 2, default);

        Assert.Equal([1u, 2u], first.Parts.Select(p => p.Part.PartNumber));
        Assert.True(first.IsTruncated);
        Assert.Equal([3u, 4u], second.Parts.Select(p => p.Part.PartNumber));
        Assert.Equal([5u], last.Parts.Select(p => p.Part.PartNumber));
        Assert.False(last.IsTruncated);
    }

    [Fact]
    public async Task NamespaceService_AbortMultipartUpload_ReturnsEveryPartAsGarbage()
    {
        await Put(1, 10, "a");
        await Put(2, 10, "b");

        var garbage = await _h.Service.AbortMultipartUploadAsync("bkt", "big", _uploadId, default);

        Assert.Equal(2, garbage.Count);
        Assert.Equal("aborted", _h.Garbage.Events.Single().Reason);
        Assert.Empty((await _h.Service.ListMultipartUploadsAsync("bkt", "", "", "", 0, default)).Uploads);
        Assert.Equal(0UL, (await _h.Service.GetStatsAsync(default)).MultipartUploads);
    }

    [Fact]
    public async Task NamespaceService_ListMultipartUploads_PagesByKeyThenInitiation()
    {
        var second = await _h.Service.CreateMultipartUploadAsync(new ObjectVersion { Bucket = "bkt", Key = "big" }, default);
        var other = await _h.Service.CreateMultipartUploadAsync(new ObjectVersion { Bucket = "bkt", Key = "another" }, default);

        var page1 = await _h.Service.ListMultipartUploadsAsync("bkt", "", "", "", 2, default);
        var page2 = await _h.Service.ListMultipartUploadsAsync("bkt", "", page1.NextKeyMarker, page1.NextUploadIdMarker, 2, default);

        Assert.Equal([other.UploadId, _uploadId], page1.Uploads.Select(u => u.UploadId));
        Assert.True(page1.IsTruncated);
        Assert.Equal([second.UploadId], page2.Uploads.Select(u => u.UploadId));
        Assert.False(page2.IsTruncated);
        Assert.Equal(32, _uploadId.Length);
    }

    [Fact]
    public async Task NamespaceService_PutPart_UnknownUploadIsNoSuchUpload()
    {
        var e = await Assert.ThrowsAsync<NamespaceException>(
            () => _h.Service.PutPartAsync("bkt", "big", "deadbeef", Objects.Part(1, 10, "a"), default));

        Assert.Equal((NamespaceErrorKind.NotFound, ErrorCodes.NoSuchUpload), (e.Kind, e.Code));
    }

    [Fact]
    public async Task NamespaceService_CompleteMultipartUpload_ListedChecksumMustBeThePartsOwn()
    {
        var p1 = Objects.Part(1, FiveMiB, "one");
        p1.Checksums["CRC32"] = "AAAAAQ==";
        await _h.Service.PutPartAsync("bkt", "big", _uploadId, p1, default);
        var p2 = await Put(2, 10, "two"); // uploaded without a checksum

        CompletedPart Listed(uint number, string etag, string? crc) =>
            crc is null ? new CompletedPart { PartNumber = number, Etag = etag } : new CompletedPart { PartNumber = number, Etag = etag, Checksums = { ["CRC32"] = crc } };
        Task<CommitResult> CompleteWith(params CompletedPart[] parts) =>
            _h.Service.CompleteMultipartUploadAsync("bkt", "big", _uploadId, parts, "", false, default);

        var wrong = await Assert.ThrowsAsync<NamespaceException>(() => CompleteWith(Listed(1, p1.Etag, "AAAAAg=="), Listed(2, p2.Etag, null)));
        Assert.Equal((NamespaceErrorKind.FailedPrecondition, ErrorCodes.InvalidPart), (wrong.Kind, wrong.Code));
        Assert.Equal(_uploadId, (await _h.Service.GetMultipartUploadAsync("bkt", "big", _uploadId, default)).UploadId); // still open

        // The part's own checksum, and one listed for a part uploaded without any (nothing to check it against): accepted.
        var done = await CompleteWith(Listed(1, p1.Etag, "AAAAAQ=="), Listed(2, p2.Etag, "AAAAAw=="));
        Assert.Equal(2, done.Object.Parts.Count);
    }

    private async Task<ObjectPart> Put(uint number, ulong size, string content)
    {
        var part = Objects.Part(number, size, content);
        await _h.Service.PutPartAsync("bkt", "big", _uploadId, part, default);
        return part;
    }

    private Task<CommitResult> Complete(params (uint Number, string ETag)[] parts) =>
        _h.Service.CompleteMultipartUploadAsync("bkt", "big", _uploadId,
            parts.Select(p => new CompletedPart { PartNumber = p.Number, Etag = p.ETag }).ToList(), "", false, default);
}

public sealed class MultipartTestsOnSqlite() : MultipartTests(Backend.Sqlite);

public sealed class MultipartTestsOnPostgres() : MultipartTests(Backend.Postgres);
