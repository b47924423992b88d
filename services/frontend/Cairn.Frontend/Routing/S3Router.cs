using Cairn.S3.Protocol;
using Microsoft.AspNetCore.Http;

namespace Cairn.Frontend.Routing;

/// <summary>
/// Names the S3 operation of a request from its method, its bucket addressing (path-style, or
/// virtual-hosted-style under <c>Cairn:Domain</c>) and its query subresources. The path comes from the raw
/// request target, because Kestrel's decoded and dot-segment-normalised Path would turn
/// "/a/../b/k" into a request on another bucket.
/// </summary>
public sealed class S3Router(string? domain)
{
    private static readonly string[] UnsupportedBucketSubresources =
    [
        "acl", "policy", "cors", "lifecycle", "tagging", "website", "logging", "notification", "replication",
        "encryption", "object-lock", "requestPayment", "accelerate", "analytics", "inventory", "metrics",
        "ownershipControls", "publicAccessBlock", "intelligent-tiering", "policyStatus",
    ];

    private static readonly string[] UnsupportedObjectSubresources =
    [
        "acl", "retention", "legal-hold", "torrent", "restore", "select", "attributes",
    ];

    public S3Route Route(string method, string? host, string rawTarget, IQueryCollection query, bool hasCopySource = false)
    {
        var queryStart = rawTarget.IndexOf('?', StringComparison.Ordinal);
        var rawPath = queryStart >= 0 ? rawTarget.AsSpan(0, queryStart) : rawTarget.AsSpan();
        if (rawPath.Length == 0 || rawPath[0] != '/')
        {
            throw S3Errors.InvalidURI();
        }
        rawPath = rawPath[1..];

        string? bucket;
        ReadOnlySpan<char> rawKey;
        var hostedBucket = BucketFromHost(host);
        if (hostedBucket is not null)
        {
            bucket = hostedBucket;
            rawKey = rawPath;
        }
        else
        {
            var slash = rawPath.IndexOf('/');
            var rawBucket = slash >= 0 ? rawPath[..slash] : rawPath;
            rawKey = slash >= 0 ? rawPath[(slash + 1)..] : [];
            bucket = rawBucket.Length == 0 ? null : ObjectKeyDecoder.DecodeSegment(rawBucket);
        }

        if (bucket is null)
        {
            return method == "GET" ? new S3Route(S3Operation.ListBuckets, null, null) : Refuse();
        }
        if (!BucketNames.IsValid(bucket) && method != "PUT")
        {
            // CreateBucket reports InvalidBucketName itself; elsewhere an impossible name cannot exist.
            throw S3Errors.NoSuchBucket(bucket);
        }
        if (rawKey.Length == 0)
        {
            return new S3Route(BucketOperation(method, query), bucket, null);
        }
        var key = ObjectKeyDecoder.DecodeKey(rawKey);
        var operation = ObjectOperation(method, query);
        if (hasCopySource)
        {
            // A copy source turns the two writes into their copying forms; on anything else it is refused.
            operation = operation switch
            {
                S3Operation.PutObject => S3Operation.CopyObject,
                S3Operation.UploadPart => S3Operation.UploadPartCopy,
                _ => S3Operation.NotImplemented,
            };
        }
        return new S3Route(operation, bucket, key);
    }

    private static S3Route Refuse() => throw S3Errors.MethodNotAllowed();

    private string? BucketFromHost(string? host)
    {
        if (string.IsNullOrEmpty(domain) || string.IsNullOrEmpty(host))
        {
            return null;
        }
        var name = host;
        var colon = name.LastIndexOf(':');
        if (colon >= 0 && name.IndexOf(']', StringComparison.Ordinal) < colon)
        {
            name = name[..colon];
        }
        var suffix = "." + domain;
        return name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && name.Length > suffix.Length
            ? name[..^suffix.Length].ToLowerInvariant()
            : null;
    }

    private static S3Operation BucketOperation(string method, IQueryCollection query)
    {
        if (query.ContainsKey("location") && method == "GET")
        {
            return S3Operation.GetBucketLocation;
        }
        if (query.ContainsKey("versioning"))
        {
            return method switch
            {
                "GET" => S3Operation.GetBucketVersioning,
                "PUT" => S3Operation.PutBucketVersioning,
                _ => S3Operation.NotImplemented,
            };
        }
        if (UnsupportedBucketSubresources.Any(query.ContainsKey))
        {
            return S3Operation.NotImplemented;
        }
        return method switch
        {
            "GET" when query.ContainsKey("uploads") => S3Operation.ListMultipartUploads,
            "GET" when query.ContainsKey("versions") => S3Operation.ListObjectVersions,
            "GET" when query.TryGetValue("list-type", out var lt) && lt == "2" => S3Operation.ListObjectsV2,
            "GET" => S3Operation.ListObjects,
            "PUT" => S3Operation.CreateBucket,
            "DELETE" => S3Operation.DeleteBucket,
            "HEAD" => S3Operation.HeadBucket,
            "POST" when query.ContainsKey("delete") => S3Operation.DeleteObjects,
            _ => S3Operation.NotImplemented,
        };
    }

    private static S3Operation ObjectOperation(string method, IQueryCollection query)
    {
        if (UnsupportedObjectSubresources.Any(query.ContainsKey))
        {
            return S3Operation.NotImplemented;
        }
        if (query.ContainsKey("tagging"))
        {
            return method switch
            {
                "GET" => S3Operation.GetObjectTagging,
                "PUT" => S3Operation.PutObjectTagging,
                "DELETE" => S3Operation.DeleteObjectTagging,
                _ => S3Operation.NotImplemented,
            };
        }
        var hasUploadId = query.ContainsKey("uploadId");
        return method switch
        {
            "GET" when hasUploadId => S3Operation.ListParts,
            "GET" => S3Operation.GetObject,
            "HEAD" => S3Operation.HeadObject,
            "PUT" when hasUploadId && query.ContainsKey("partNumber") => S3Operation.UploadPart,
            "PUT" when hasUploadId => S3Operation.NotImplemented,
            "PUT" => S3Operation.PutObject,
            "POST" when query.ContainsKey("uploads") => S3Operation.CreateMultipartUpload,
            "POST" when hasUploadId => S3Operation.CompleteMultipartUpload,
            "DELETE" when hasUploadId => S3Operation.AbortMultipartUpload,
            "DELETE" => S3Operation.DeleteObject,
            _ => S3Operation.NotImplemented,
        };
    }
}
