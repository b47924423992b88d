using Cairn.Frontend.Operations;
using Cairn.Frontend.Routing;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>Maps each named operation to the operation family that serves it.</summary>
public sealed class S3Dispatcher(
    Buckets buckets, PutObject put, GetObject get, DeleteObject delete, ListObjects list, ListObjectVersions versions,
    Multipart multipart, UploadPartCopy partCopy, CopyObject copy, ObjectTagging tagging)
{
    public Task DispatchAsync(S3Request request) => request.Route.Operation switch
    {
        S3Operation.ListBuckets => buckets.ListAsync(request),
        S3Operation.CreateBucket => buckets.CreateAsync(request),
        S3Operation.DeleteBucket => buckets.DeleteAsync(request),
        S3Operation.HeadBucket => buckets.HeadAsync(request),
        S3Operation.GetBucketLocation => buckets.GetLocationAsync(request),
        S3Operation.GetBucketVersioning => buckets.GetVersioningAsync(request),
        S3Operation.PutBucketVersioning => buckets.PutVersioningAsync(request),
        S3Operation.ListObjects => list.V1Async(request),
        S3Operation.ListObjectsV2 => list.V2Async(request),
        S3Operation.ListObjectVersions => versions.HandleAsync(request),
        S3Operation.ListMultipartUploads => multipart.ListUploadsAsync(request),
        S3Operation.DeleteObjects => delete.DeleteManyAsync(request),
        S3Operation.PutObject => put.HandleAsync(request),
        S3Operation.CopyObject => copy.HandleAsync(request),
        S3Operation.GetObject => get.GetAsync(request),
        S3Operation.HeadObject => get.HeadAsync(request),
        S3Operation.DeleteObject => delete.DeleteAsync(request),
        S3Operation.GetObjectTagging => tagging.GetAsync(request),
        S3Operation.PutObjectTagging => tagging.PutAsync(request),
        S3Operation.DeleteObjectTagging => tagging.DeleteAsync(request),
        S3Operation.CreateMultipartUpload => multipart.CreateAsync(request),
        S3Operation.UploadPart => multipart.UploadPartAsync(request),
        S3Operation.UploadPartCopy => partCopy.HandleAsync(request),
        S3Operation.CompleteMultipartUpload => multipart.CompleteAsync(request),
        S3Operation.AbortMultipartUpload => multipart.AbortAsync(request),
        S3Operation.ListParts => multipart.ListPartsAsync(request),
        _ => throw S3Errors.NotImplemented(),
    };
}
