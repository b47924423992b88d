namespace Cairn.S3.Protocol;

/// <summary>
/// An S3 error as the wire sees it: the AWS error code, the HTTP status and the message,
/// plus any extra XML elements (Key, BucketName, ArgumentName...) that clients read.
/// </summary>
public sealed class S3Exception : Exception
{
    public S3Exception(string code, int statusCode, string message)
        : base(message)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public S3Exception(string code, int statusCode, string message, Exception? inner)
        : base(message, inner)
    {
        Code = code;
        StatusCode = statusCode;
    }

    public string Code { get; }

    public int StatusCode { get; }

    /// <summary>Extra elements of the XML error body, in insertion order of the caller's choosing.</summary>
    public IDictionary<string, string> Extra { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Adds an extra XML element and returns this, so factories stay one expression.</summary>
    public S3Exception With(string element, string value)
    {
        Extra[element] = value;
        return this;
    }
}
