using Cairn.S3.Protocol;
using Grpc.Core;

namespace Cairn.Frontend.Backends;

/// <summary>
/// The one place where the namespace's gRPC status convention (status code + detail naming the S3 error)
/// becomes S3 errors. Unknown details fall back on the status code so nothing leaks as a 500 by accident.
/// </summary>
public static class NamespaceErrors
{
    public static S3Exception ToS3(RpcException e, string? bucket = null, string? key = null)
    {
        var detail = e.Status.Detail ?? string.Empty;
        var error = detail switch
        {
            "NoSuchBucket" => S3Errors.NoSuchBucket(bucket ?? string.Empty),
            "NoSuchKey" => S3Errors.NoSuchKey(key ?? string.Empty),
            "NoSuchVersion" => S3Errors.NoSuchVersion(),
            "NoSuchUpload" => S3Errors.NoSuchUpload(),
            "BucketAlreadyOwnedByYou" => S3Errors.BucketAlreadyOwnedByYou(bucket ?? string.Empty),
            "BucketAlreadyExists" => S3Errors.BucketAlreadyExists(bucket ?? string.Empty),
            "BucketNotEmpty" => S3Errors.BucketNotEmpty(bucket ?? string.Empty),
            "PreconditionFailed" => S3Errors.PreconditionFailed(),
            "InvalidPart" => S3Errors.InvalidPart(),
            "InvalidPartOrder" => S3Errors.InvalidPartOrder(),
            "EntityTooSmall" => S3Errors.EntityTooSmall(),
            "MethodNotAllowed" => S3Errors.MethodNotAllowed(),
            _ => e.StatusCode switch
            {
                StatusCode.NotFound when bucket is not null && key is null => S3Errors.NoSuchBucket(bucket),
                StatusCode.NotFound => S3Errors.NoSuchKey(key ?? string.Empty),
                StatusCode.InvalidArgument => S3Errors.InvalidArgument(detail),
                StatusCode.FailedPrecondition => S3Errors.PreconditionFailed(),
                StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted => S3Errors.ServiceUnavailable(),
                _ => S3Errors.InternalError(),
            },
        };
        // A delete marker answers GET with its identity in headers (x-amz-delete-marker, x-amz-version-id).
        var marker = e.Trailers.GetValue("x-delete-marker");
        if (marker is not null)
        {
            error.Extra[ResponseHeaderPrefix + "x-amz-delete-marker"] = marker;
            var versionId = e.Trailers.GetValue("x-version-id");
            if (versionId is not null)
            {
                error.Extra[ResponseHeaderPrefix + "x-amz-version-id"] = versionId;
            }
        }
        return error;
    }

    /// <summary>Extra entries with this prefix are sent as response headers rather than XML elements.</summary>
    public const string ResponseHeaderPrefix = "header:";
}
