using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Frontend.Tests.Fakes;

namespace Frontend.Tests;

/// <summary>
/// Versions, delete markers and tags through the AWS SDK (default settings) against the frontend backed by the
/// real namespace service in-process.
/// </summary>
public sealed class VersioningAndTaggingTests() : SdkTestBase(realNamespace: true)
{

    [Fact]
    public async Task ObjectVersions_DeleteMarkerThenVersionIdOperations_SdkRoundTrip()
    {
        await CreateVersionedBucketAsync("history");
        var v1 = await PutTextAsync("history", "doc", "one");
        var v2 = await PutTextAsync("history", "doc", "two");
        var delete = await S3.DeleteObjectAsync("history", "doc");

        Assert.Equal("true", delete.DeleteMarker);
        Assert.NotEqual(v1, v2);
        var latest = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync("history", "doc"));
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchKey"), (latest.StatusCode, latest.ErrorCode));
        Assert.Equal("one", await GetTextAsync("history", "doc", v1));
        var head = await S3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = "history", Key = "doc", VersionId = v2 });
        Assert.Equal((3L, v2), (head.ContentLength, head.VersionId));
        var onMarker = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "history", Key = "doc", VersionId = delete.VersionId }));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, onMarker.StatusCode);
        var unknown = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectAsync(new GetObjectRequest { BucketName = "history", Key = "doc", VersionId = "no-such-version" }));
        Assert.Equal("NoSuchVersion", unknown.ErrorCode);

        // Removing the marker by its version id brings the previous version back as the latest.
        var unmark = await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "history", Key = "doc", VersionId = delete.VersionId });
        Assert.Equal((delete.VersionId, "true"), (unmark.VersionId, unmark.DeleteMarker));
        Assert.Equal("two", await GetTextAsync("history", "doc"));

        // Deleting one version permanently leaves the other.
        await S3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = "history", Key = "doc", VersionId = v2 });
        Assert.Equal("one", await GetTextAsync("history", "doc"));
    }

    [Fact]
    public async Task ListObjectVersions_MarkersPrefixesAndPaging_SdkRoundTrip()
    {
        await CreateVersionedBucketAsync("listing");
        var a1 = await PutTextAsync("listing", "a", "1");
        var a2 = await PutTextAsync("listing", "a", "2");
        var marker = (await S3.DeleteObjectAsync("listing", "a")).VersionId;
        var b1 = await PutTextAsync("listing", "b", "1");
        await PutTextAsync("listing", "dir/x", "1");
        await PutTextAsync("listing", "dir/y", "1");

        var all = await S3.ListVersionsAsync(new ListVersionsRequest { BucketName = "listing", Delimiter = "/" });
        Assert.Equal([("a", marker, true, true), ("a", a2, false, false), ("a", a1, false, false), ("b", b1, false, true)],
            all.Versions.Select(v => (v.Key, v.VersionId, v.IsDeleteMarker ?? false, v.IsLatest ?? false)));
        Assert.Equal(["dir/"], all.CommonPrefixes);
        Assert.False(all.IsTruncated);
        Assert.Equal(["\"c81e728d9d4c2f636f067f89cc14862c\"", "\"c4ca4238a0b923820dcc509a6f75849b\"", "\"c4ca4238a0b923820dcc509a6f75849b\""],
            all.Versions.Where(v => v.IsDeleteMarker != true).Select(v => v.ETag)); // md5("2"), md5("1"), md5("1")

        // Pages of two, resumed from (NextKeyMarker, NextVersionIdMarker), see every version exactly once.
        var paged = new List<(string, string)>();
        var request = new ListVersionsRequest { BucketName = "listing", MaxKeys = 2 };
        while (true)
        {
            var page = await S3.ListVersionsAsync(request);
            paged.AddRange(page.Versions.Select(v => (v.Key, v.VersionId)));
            if (page.IsTruncated != true)
            {
                break;
            }
            Assert.Equal(2, page.Versions.Count);
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
        Assert.Equal(["a", "a", "a", "b", "dir/x", "dir/y"], paged.Select(p => p.Item1));
        Assert.Equal(6, paged.Distinct().Count());
    }

    [Fact]
    public async Task ObjectTagging_PutGetDeleteAndHeaderTags_SdkRoundTrip()
    {
        await S3.PutBucketAsync("tags");
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "tags",
            Key = "k",
            ContentBody = "tagged",
            TagSet = [new Tag { Key = "team", Value = "storage" }, new Tag { Key = "note", Value = "a b&c=d/é" }],
        });

        var initial = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "tags", Key = "k" });
        Assert.Equal([("note", "a b&c=d/é"), ("team", "storage")], initial.Tagging.Select(t => (t.Key, t.Value)));
        using (var get = await S3.GetObjectAsync("tags", "k"))
        {
            Assert.Equal(2, get.TagCount);
        }

        await S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = "tags",
            Key = "k",
            Tagging = new Tagging { TagSet = [new Tag { Key = "only", Value = "" }] },
        });
        var replaced = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "tags", Key = "k" });
        Assert.Equal([("only", "")], replaced.Tagging.Select(t => (t.Key, t.Value)));

        await S3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = "tags", Key = "k" });
        var cleared = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "tags", Key = "k" });
        Assert.Empty(cleared.Tagging ?? []);
        Assert.Equal("tagged", await GetTextAsync("tags", "k"));
    }

    [Fact]
    public async Task ObjectTagging_BreakingTheRules_InvalidTagAndNothingChanged()
    {
        await S3.PutBucketAsync("rules");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "rules", Key = "k", ContentBody = "x", TagSet = [new Tag { Key = "keep", Value = "me" }] });

        var eleven = Enumerable.Range(0, 11).Select(i => new Tag { Key = "t" + i, Value = "v" }).ToList();
        var tooMany = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = "rules", Key = "k", Tagging = new Tagging { TagSet = eleven },
        }));
        var reserved = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = "rules", Key = "k", Tagging = new Tagging { TagSet = [new Tag { Key = "aws:owner", Value = "v" }] },
        }));
        var longKey = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "rules", Key = "other", ContentBody = "x", TagSet = [new Tag { Key = new string('k', 129), Value = "v" }],
        }));
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "rules", Key = "absent" }));

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidTag"), (tooMany.StatusCode, tooMany.ErrorCode));
        Assert.Equal("InvalidTag", reserved.ErrorCode);
        Assert.Equal("InvalidTag", longKey.ErrorCode);
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        var still = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "rules", Key = "k" });
        Assert.Equal([("keep", "me")], still.Tagging.Select(t => (t.Key, t.Value)));
        var other = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => S3.GetObjectMetadataAsync("rules", "other"));
        Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
    }

    [Fact]
    public async Task ObjectTagging_PerVersion_OnlyTheNamedVersionChanges()
    {
        await CreateVersionedBucketAsync("vtags");
        var v1 = await PutTextAsync("vtags", "k", "one");
        var v2 = await PutTextAsync("vtags", "k", "two");

        var put = await S3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = "vtags", Key = "k", VersionId = v1, Tagging = new Tagging { TagSet = [new Tag { Key = "old", Value = "yes" }] },
        });

        Assert.Equal(v1, put.VersionId);
        var first = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "vtags", Key = "k", VersionId = v1 });
        var latest = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "vtags", Key = "k" });
        Assert.Equal(["old"], first.Tagging.Select(t => t.Key));
        Assert.Equal(v2, latest.VersionId);
        Assert.Empty(latest.Tagging ?? []);
    }

    [Fact]
    public async Task CopyObject_TaggingDirective_CopiesOrReplacesTags()
    {
        await S3.PutBucketAsync("copytags");
        await S3.PutObjectAsync(new PutObjectRequest { BucketName = "copytags", Key = "src", ContentBody = "x", TagSet = [new Tag { Key = "from", Value = "source" }] });

        await S3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = "copytags", SourceKey = "src", DestinationBucket = "copytags", DestinationKey = "copied" });
        await S3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = "copytags", SourceKey = "src", DestinationBucket = "copytags", DestinationKey = "replaced",
            TaggingDirective = TaggingDirective.REPLACE, TagSet = [new Tag { Key = "new", Value = "tag" }],
        });

        var copied = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "copytags", Key = "copied" });
        var replaced = await S3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = "copytags", Key = "replaced" });
        Assert.Equal([("from", "source")], copied.Tagging.Select(t => (t.Key, t.Value)));
        Assert.Equal([("new", "tag")], replaced.Tagging.Select(t => (t.Key, t.Value)));
    }

    private async Task CreateVersionedBucketAsync(string bucket)
    {
        await S3.PutBucketAsync(bucket);
        await S3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
    }

    private async Task<string> PutTextAsync(string bucket, string key, string text)
    {
        var put = await S3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = text });
        Assert.False(string.IsNullOrEmpty(put.VersionId));
        return put.VersionId;
    }

    private async Task<string> GetTextAsync(string bucket, string key, string? versionId = null)
    {
        using var response = await S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }
}
