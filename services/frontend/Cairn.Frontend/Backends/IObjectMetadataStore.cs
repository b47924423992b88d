using Cairn.Namespace.V1;

namespace Cairn.Frontend.Backends;

/// <summary>
/// The namespace as the frontend needs it. Implementations throw <see cref="Cairn.S3.Protocol.S3Exception"/>
/// for every S3-visible failure (the gRPC implementation maps the namespace's status convention in one place).
/// </summary>
public interface IObjectMetadataStore
{
    Task<Bucket> CreateBucketAsync(CreateBucketRequest request, CancellationToken ct);
    Task DeleteBucketAsync(string bucket, CancellationToken ct);
    Task<Bucket> GetBucketAsync(string bucket, CancellationToken ct);
    Task<IReadOnlyList<Bucket>> ListBucketsAsync(string owner, CancellationToken ct);
    Task<Bucket> SetBucketVersioningAsync(string bucket, VersioningState state, CancellationToken ct);

    Task<PutObjectResponse> PutObjectAsync(PutObjectRequest request, CancellationToken ct);
    Task<ObjectVersion> GetObjectAsync(string bucket, string key, string? versionId, CancellationToken ct);
    Task<DeleteObjectResponse> DeleteObjectAsync(string bucket, string key, string? versionId, CancellationToken ct);
    Task<ListObjectsResponse> ListObjectsAsync(ListObjectsRequest request, CancellationToken ct);

    Task<MultipartUpload> CreateMultipartUploadAsync(ObjectVersion template, CancellationToken ct);
    Task<MultipartUpload> GetMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct);
    Task PutPartAsync(PutPartRequest request, CancellationToken ct);
    Task<ListPartsResponse> ListPartsAsync(ListPartsRequest request, CancellationToken ct);
    Task<PutObjectResponse> CompleteMultipartUploadAsync(CompleteMultipartUploadRequest request, CancellationToken ct);
    Task AbortMultipartUploadAsync(string bucket, string key, string uploadId, CancellationToken ct);
    Task<ListMultipartUploadsResponse> ListMultipartUploadsAsync(ListMultipartUploadsRequest request, CancellationToken ct);
}
