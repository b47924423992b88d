namespace Cairn.S3.Protocol;

/// <summary>
/// Factories for the S3 errors we return, with AWS's code, HTTP status and default message
/// (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), so that no caller
/// has to remember which status goes with which code.
/// </summary>
public static class S3Errors
{
    public static S3Exception AccessDenied(string msg = "Access Denied") => new("AccessDenied", 403, msg);

    public static S3Exception SignatureDoesNotMatch(string msg = "The request signature we calculated does not match the signature you provided. Check your key and signing method.")
        => new("SignatureDoesNotMatch", 403, msg);

    public static S3Exception InvalidAccessKeyId(string? accessKey = null)
    {
        var e = new S3Exception("InvalidAccessKeyId", 403, "The AWS Access Key Id you provided does not exist in our records.");
        return accessKey is null ? e : e.With("AWSAccessKeyId", accessKey);
    }

    public static S3Exception RequestTimeTooSkewed(DateTimeOffset? requestTime = null, DateTimeOffset? serverTime = null)
    {
        var e = new S3Exception("RequestTimeTooSkewed", 403, "The difference between the request time and the current time is too large.");
        if (requestTime is { } r)
        {
            e.With("RequestTime", r.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        if (serverTime is { } s)
        {
            e.With("ServerTime", s.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
        }

        return e.With("MaxAllowedSkewMilliseconds", "900000");
    }

    public static S3Exception AuthorizationHeaderMalformed(string msg) => new("AuthorizationHeaderMalformed", 400, msg);

    public static S3Exception AuthorizationQueryParametersError(string msg) => new("AuthorizationQueryParametersError", 400, msg);

    public static S3Exception MissingSecurityHeader(string? header = null)
    {
        var e = new S3Exception("MissingSecurityHeader", 400, "Your request is missing a required header.");
        return header is null ? e : e.With("MissingHeaderName", header);
    }

    public static S3Exception XAmzContentSHA256Mismatch() =>
        new("XAmzContentSHA256Mismatch", 400, "The provided 'x-amz-content-sha256' header does not match what was computed.");

    public static S3Exception BadDigest(string msg = "The Content-MD5 or checksum value that you specified did not match what the server received.")
        => new("BadDigest", 400, msg);

    public static S3Exception InvalidDigest(string msg = "The Content-MD5 or checksum value that you specified is not valid.")
        => new("InvalidDigest", 400, msg);

    public static S3Exception IncompleteBody() =>
        new("IncompleteBody", 400, "You did not provide the number of bytes specified by the Content-Length HTTP header.");

    public static S3Exception InvalidArgument(string msg, string? argName = null, string? argValue = null)
    {
        var e = new S3Exception("InvalidArgument", 400, msg);
        if (argName is not null)
        {
            e.With("ArgumentName", argName);
        }

        if (argValue is not null)
        {
            e.With("ArgumentValue", argValue);
        }

        return e;
    }

    public static S3Exception InvalidRequest(string msg) => new("InvalidRequest", 400, msg);

    public static S3Exception MalformedXML() =>
        new("MalformedXML", 400, "The XML you provided was not well-formed or did not validate against our published schema.");

    public static S3Exception MissingContentLength() =>
        new("MissingContentLength", 411, "You must provide the Content-Length HTTP header.");

    public static S3Exception EntityTooLarge() =>
        new("EntityTooLarge", 400, "Your proposed upload exceeds the maximum allowed object size.");

    public static S3Exception NoSuchBucket(string bucket) =>
        new S3Exception("NoSuchBucket", 404, "The specified bucket does not exist.").With("BucketName", bucket);

    public static S3Exception NoSuchKey(string key) =>
        new S3Exception("NoSuchKey", 404, "The specified key does not exist.").With("Key", key);

    public static S3Exception NoSuchUpload() =>
        new("NoSuchUpload", 404, "The specified multipart upload does not exist. The upload ID might be invalid, or the multipart upload might have been aborted or completed.");

    public static S3Exception NoSuchVersion() =>
        new("NoSuchVersion", 404, "The version ID specified in the request does not match an existing version.");

    public static S3Exception BucketAlreadyOwnedByYou(string bucket) =>
        new S3Exception("BucketAlreadyOwnedByYou", 409, "Your previous request to create the named bucket succeeded and you already own it.").With("BucketName", bucket);

    public static S3Exception BucketAlreadyExists(string bucket) =>
        new S3Exception("BucketAlreadyExists", 409, "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.").With("BucketName", bucket);

    public static S3Exception BucketNotEmpty(string bucket) =>
        new S3Exception("BucketNotEmpty", 409, "The bucket you tried to delete is not empty.").With("BucketName", bucket);

    public static S3Exception InvalidBucketName(string bucket) =>
        new S3Exception("InvalidBucketName", 400, "The specified bucket is not valid.").With("BucketName", bucket);

    public static S3Exception KeyTooLongError() => new("KeyTooLongError", 400, "Your key is too long.");

    public static S3Exception InvalidRange() => new("InvalidRange", 416, "The requested range is not satisfiable.");

    public static S3Exception PreconditionFailed(string? condition = null)
    {
        var e = new S3Exception("PreconditionFailed", 412, "At least one of the preconditions you specified did not hold.");
        return condition is null ? e : e.With("Condition", condition);
    }

    public static S3Exception NotModified() => new("NotModified", 304, "Not Modified");

    public static S3Exception InvalidPart() =>
        new("InvalidPart", 400, "One or more of the specified parts could not be found. The part might not have been uploaded, or the specified entity tag might not have matched the part's entity tag.");

    public static S3Exception InvalidPartOrder() =>
        new("InvalidPartOrder", 400, "The list of parts was not in ascending order. The parts list must be specified in order by part number.");

    public static S3Exception EntityTooSmall() =>
        new("EntityTooSmall", 400, "Your proposed upload is smaller than the minimum allowed object size.");

    public static S3Exception MethodNotAllowed() =>
        new("MethodNotAllowed", 405, "The specified method is not allowed against this resource.");

    public static S3Exception NotImplemented(string msg = "A header or query you provided implies functionality that is not implemented.")
        => new("NotImplemented", 501, msg);

    public static S3Exception InternalError() =>
        new("InternalError", 500, "We encountered an internal error. Please try again.");

    public static S3Exception ServiceUnavailable() =>
        new("ServiceUnavailable", 503, "Please reduce your request rate.");

    public static S3Exception SlowDown() => new("SlowDown", 503, "Please reduce your request rate.");

    public static S3Exception MetadataTooLarge() =>
        new("MetadataTooLarge", 400, "Your metadata headers exceed the maximum allowed metadata size.");

    public static S3Exception InvalidPartNumber() => new("InvalidPartNumber", 416, "The requested partnumber is not satisfiable");

    public static S3Exception InvalidTag(string msg) => new("InvalidTag", 400, msg);

    public static S3Exception InvalidURI() => new("InvalidURI", 400, "Couldn't parse the specified URI.");

    public static S3Exception RequestHeaderSectionTooLarge() =>
        new("RequestHeaderSectionTooLarge", 400, "Your request header section exceeds the maximum allowed size.");
}
