namespace Cairn.Frontend.Routing;

/// <summary>The closed set of S3 operations the frontend serves; anything else is NotImplemented.</summary>
public enum S3Operation
{
    ListBuckets,
    CreateBucket,
    DeleteBucket,
    HeadBucket,
    GetBucketLocation,
    GetBucketVersioning,
    PutBucketVersioning,
    ListObjects,
    ListObjectsV2,
    ListObjectVersions,
    ListMultipartUploads,
    DeleteObjects,
    PutObject,
    CopyObject,
    GetObject,
    HeadObject,
    DeleteObject,
    GetObjectTagging,
    PutObjectTagging,
    DeleteObjectTagging,
    CreateMultipartUpload,
    UploadPart,
    UploadPartCopy,
    CompleteMultipartUpload,
    AbortMultipartUpload,
    ListParts,
    NotImplemented,
}

/// <summary>What the router decided: the operation and the bucket and key it touches (decoded, validated).</summary>
public sealed record S3Route(S3Operation Operation, string? Bucket, string? Key);
