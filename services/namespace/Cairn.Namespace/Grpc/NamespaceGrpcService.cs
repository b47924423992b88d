using Cairn.Namespace.Domain;
using Cairn.Namespace.V1;
using Grpc.Core;
using static Cairn.Namespace.Grpc.NamespaceErrors;

namespace Cairn.Namespace.Grpc;

/// <summary>Thin adapter: proto in, one domain call, proto out; domain errors become statuses.</summary>
public sealed class NamespaceGrpcService(NamespaceService ns) : V1.Namespace.NamespaceBase
{
    public override Task<Bucket> CreateBucket(CreateBucketRequest request, ServerCallContext context) =>
        Translate(() => ns.CreateBucketAsync(request.Name, request.Owner, request.Region, context.CancellationToken));

    public override Task<DeleteBucketResponse> DeleteBucket(DeleteBucketRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            await ns.DeleteBucketAsync(request.Name, context.CancellationToken);
            return new DeleteBucketResponse();
        });

    public override Task<Bucket> GetBucket(GetBucketRequest request, ServerCallContext context) =>
        Translate(() => ns.GetBucketAsync(request.Name, context.CancellationToken));

    public override Task<ListBucketsResponse> ListBuckets(ListBucketsRequest request, ServerCallContext context) =>
        Translate(async () => new ListBucketsResponse
        {
            Buckets = { await ns.ListBucketsAsync(request.Owner, context.CancellationToken) },
        });

    public override Task<Bucket> SetBucketVersioning(SetBucketVersioningRequest request, ServerCallContext context) =>
        Translate(() => ns.SetBucketVersioningAsync(request.Name, request.State, context.CancellationToken));

    public override Task<PutObjectResponse> PutObject(PutObjectRequest request, ServerCallContext context) =>
        Translate(async () => ToResponse(await ns.PutObjectAsync(
            request.Object ?? new ObjectVersion(), request.IfMatch, request.IfNoneMatchStar, context.CancellationToken)));

    public override Task<ObjectVersion> GetObject(GetObjectRequest request, ServerCallContext context) =>
        Translate(() => ns.GetObjectAsync(request.Bucket, request.Key, request.VersionId, context.CancellationToken));

    public override Task<DeleteObjectResponse> DeleteObject(DeleteObjectRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var result = await ns.DeleteObjectAsync(request.Bucket, request.Key, request.VersionId, context.CancellationToken);
            return new DeleteObjectResponse { DeleteMarker = result.DeleteMarker, VersionId = result.VersionId, Garbage = { result.Garbage } };
        });

    public override Task<ObjectVersion> UpdateObjectTags(UpdateObjectTagsRequest request, ServerCallContext context) =>
        Translate(() => ns.UpdateObjectTagsAsync(request.Bucket, request.Key, request.VersionId, request.Tags, context.CancellationToken));

    public override Task<ListObjectsResponse> ListObjects(ListObjectsRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var page = await ns.ListObjectsAsync(
                request.Bucket, request.Prefix, request.Delimiter, request.StartAfter, request.MaxKeys, context.CancellationToken);
            return new ListObjectsResponse
            {
                Objects = { page.Objects },
                CommonPrefixes = { page.CommonPrefixes },
                IsTruncated = page.IsTruncated,
                NextStartAfter = page.NextStartAfter,
            };
        });

    public override Task<ListObjectVersionsResponse> ListObjectVersions(ListObjectVersionsRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var page = await ns.ListObjectVersionsAsync(request.Bucket, request.Prefix, request.Delimiter,
                request.KeyMarker, request.VersionIdMarker, request.MaxKeys, context.CancellationToken);
            return new ListObjectVersionsResponse
            {
                Versions = { page.Versions },
                CommonPrefixes = { page.CommonPrefixes },
                IsTruncated = page.IsTruncated,
                NextKeyMarker = page.NextKeyMarker,
                NextVersionIdMarker = page.NextVersionIdMarker,
            };
        });

    public override Task<MultipartUpload> CreateMultipartUpload(CreateMultipartUploadRequest request, ServerCallContext context) =>
        Translate(() => ns.CreateMultipartUploadAsync(request.Template ?? new ObjectVersion(), context.CancellationToken));

    public override Task<MultipartUpload> GetMultipartUpload(GetMultipartUploadRequest request, ServerCallContext context) =>
        Translate(() => ns.GetMultipartUploadAsync(request.Bucket, request.Key, request.UploadId, context.CancellationToken));

    public override Task<PutPartResponse> PutPart(PutPartRequest request, ServerCallContext context) =>
        Translate(async () => new PutPartResponse
        {
            Garbage =
            {
                await ns.PutPartAsync(request.Bucket, request.Key, request.UploadId, request.Part ?? new ObjectPart(), context.CancellationToken),
            },
        });

    public override Task<ListPartsResponse> ListParts(ListPartsRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var page = await ns.ListPartsAsync(
                request.Bucket, request.Key, request.UploadId, request.PartNumberMarker, request.MaxParts, context.CancellationToken);
            return new ListPartsResponse
            {
                Parts = { page.Parts.Select(p => p.Part) },
                PartModifiedUnixMs = { page.Parts.Select(p => p.ModifiedUnixMs) },
                IsTruncated = page.IsTruncated,
                NextPartNumberMarker = page.NextPartNumberMarker,
            };
        });

    public override Task<PutObjectResponse> CompleteMultipartUpload(CompleteMultipartUploadRequest request, ServerCallContext context) =>
        Translate(async () => ToResponse(await ns.CompleteMultipartUploadAsync(request.Bucket, request.Key, request.UploadId,
            request.Parts, request.IfMatch, request.IfNoneMatchStar, context.CancellationToken)));

    public override Task<AbortMultipartUploadResponse> AbortMultipartUpload(AbortMultipartUploadRequest request, ServerCallContext context) =>
        Translate(async () => new AbortMultipartUploadResponse
        {
            Garbage = { await ns.AbortMultipartUploadAsync(request.Bucket, request.Key, request.UploadId, context.CancellationToken) },
        });

    public override Task<ListMultipartUploadsResponse> ListMultipartUploads(ListMultipartUploadsRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var page = await ns.ListMultipartUploadsAsync(request.Bucket, request.Prefix, request.KeyMarker,
                request.UploadIdMarker, request.MaxUploads, context.CancellationToken);
            return new ListMultipartUploadsResponse
            {
                Uploads = { page.Uploads },
                IsTruncated = page.IsTruncated,
                NextKeyMarker = page.NextKeyMarker,
                NextUploadIdMarker = page.NextUploadIdMarker,
            };
        });

    public override Task<ListShardsOnDiskResponse> ListShardsOnDisk(ListShardsOnDiskRequest request, ServerCallContext context) =>
        Translate(async () =>
        {
            var page = await ns.ListShardsOnDiskAsync(request.DiskId, request.StartAfter, request.Limit, context.CancellationToken);
            return new ListShardsOnDiskResponse { Shards = { page.Shards }, IsTruncated = page.IsTruncated };
        });

    public override Task<IsShardReferencedResponse> IsShardReferenced(IsShardReferencedRequest request, ServerCallContext context) =>
        Translate(async () => new IsShardReferencedResponse
        {
            Referenced = await ns.IsShardReferencedAsync(request.ShardId, context.CancellationToken),
        });

    public override Task<ReplaceShardLocationResponse> ReplaceShardLocation(ReplaceShardLocationRequest request, ServerCallContext context) =>
        Translate(async () => new ReplaceShardLocationResponse
        {
            Replaced = await ns.ReplaceShardLocationAsync(
                request.ShardId, request.Replacement ?? new Common.V1.ShardLocation(), context.CancellationToken),
        });

    public override Task<NamespaceStats> GetStats(GetStatsRequest request, ServerCallContext context) =>
        Translate(() => ns.GetStatsAsync(context.CancellationToken));

    private static PutObjectResponse ToResponse(CommitResult result) =>
        new() { Object = result.Object, Garbage = { result.Garbage } };
}
