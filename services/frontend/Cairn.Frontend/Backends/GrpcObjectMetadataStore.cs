using Cairn.Namespace.V1;
using Grpc.Core;

namespace Cairn.Frontend.Backends;

/// <summary>The namespace service over gRPC; every failure leaves here as an S3Exception.</summary>
/// <param name="commitDeadline">
/// How long a commit that makes freshly written shards referenced may take (default 60 s). Reconciliation deletes
/// unreferenced shards older than its grace period (300 s), so a commit that landed later than that could point at
/// collected shards: the deadline keeps every commit far inside the grace, and a late one fails (503) instead.
/// </param>
public sealed class GrpcObjectMetadataStore(Namespace.V1.Namespace.NamespaceClient client, TimeSpan? commitDeadline = null) : IObjectMetadataStore
{
    public static readonly TimeSpan DefaultCommitDeadline = TimeSpan.FromSeconds(60);

    private DateTime CommitDeadline => DateTime.UtcNow + (commitDeadline ?? DefaultCommitDeadline);

    public Task<Bucket> CreateBucketAsync(CreateBucketRequest request, CancellationToken ct) =>
        Call(async () => await client.CreateBucketAsync(request, cancellationToken: ct), request.Name);

    public Task DeleteBucketAsync(string bucket, CancellationToken ct) =>
        Call(async () => await client.DeleteBucketAsync(new DeleteBucketRequest { Name = bucket }, cancellationToken: ct), bucket);

    public Task<Bucket> GetBucketAsync(string bucket, CancellationToken ct) =>
        Call(async () => await client.GetBucketAsync(new GetBucketRequest { Name = bucket }, cancellationToken: ct), bucket);

    public Task<IReadOnlyList<Bucket>> ListBucketsAsync(string owner, CancellationToken ct) =>
        Call<IReadOnlyList<Bucket>>(async () => (await client.ListBucketsAsync(new ListBucketsRequest { Owner = owner }, cancellationToken: ct)).Buckets);

    public Task<Bucket> SetBucketVersioningAsync(string bucket, VersioningState state, CancellationToken ct) =>
        Call(async () => await client.SetBucketVersioningAsync(new SetBucketVersioningRequest { Name = bucket, State = state }, cancellationToken: ct), bucket);

    public Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken ct) =>
        Call(async () => await client.PutObjectAsync(request, deadline: CommitDeadline, cancellationToken: ct), request.Object.Bucket, request.Object.Key);

    public Task<ObjectVersion> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken ct) =>
        Call(async () => await client.GetObjectAsync(new GetObjectRequest { Bucket = bucket, Key = key, VersionId = versionId ?? string.Empty }, cancellationToken: ct), bucket, key);

    public Task<DeleteObjectResponse> DeleteObjectAsync(string bucket, string key, string? versionId, CancellationToken ct) =>
        Call(async () => await client.DeleteObjectAsync(new DeleteObjectRequest { Bucket = bucket, Key = key, VersionId = versionId ?? string.Empty }, cancellationToken: ct), bucket, key);

    public Task<ListObjectsResponse> ListObjectsAsync(ListObjectsRequest request, CancellationToken ct) =>
        Call(async () => await client.ListObjectsAsync(request, cancellationToken: ct), request.Bucket);

    public Task<MultipartUpload> CreateMultipartUploadAsync(ObjectVersion template, CancellationToken ct) =>
        Call(async () => await client.CreateMultipartUploadAsync(new CreateMultipartUploadRequest { Template = template }, cancellationToken: ct), template.Bucket, template.Key);

    public Task<MultipartUpload> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct) =>
        Call(async () => await client.GetMultipartUploadAsync(new GetMultipartUploadRequest { Bucket = bucket, Key = key, UploadId = uploadId }, cancellationToken: ct), bucket, key);

    public Task PutPartAsync(PutPartRequest request, CancellationToken ct) =>
        Call(async () => await client.PutPartAsync(request, deadline: CommitDeadline, cancellationToken: ct), request.Bucket, request.Key);

    public Task<ListPartsResponse> ListPartsAsync(ListPartsRequest request, CancellationToken ct) =>
        Call(async () => await client.ListPartsAsync(request, cancellationToken: ct), request.Bucket, request.Key);

    public Task<PutObjectResponse> CompleteMultipartUploadAsync(CompleteMultipartUploadRequest request, CancellationToken ct) =>
        Call(async () => await client.CompleteMultipartUploadAsync(request, cancellationToken: ct), request.Bucket, request.Key);

    public Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct) =>
        Call(async () => await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { Bucket = bucket, Key = key, UploadId = uploadId }, cancellationToken: ct), bucket, key);

    public Task<ListMultipartUploadsResponse> ListMultipartUploadsAsync(ListMultipartUploadsRequest request, CancellationToken ct) =>
        Call(async () => await client.ListMultipartUploadsAsync(request, cancellationToken: ct), request.Bucket);

    private static async Task<T> Call<T>(Func<Task<T>> call, string? bucket = null, string? key = null)
    {
        try
        {
            return await call();
        }
        catch (RpcException e) when (e.StatusCode != StatusCode.Cancelled)
        {
            throw NamespaceErrors.ToS3(e, bucket, key);
        }
    }
}
