namespace Cairn.Namespace.Domain;

/// <summary>The kinds of failure the namespace reports; the gRPC adapter maps each to one status code.</summary>
public enum NamespaceErrorKind
{
    NotFound,
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
}

/// <summary>
/// A domain failure. <see cref="Code"/> is the S3 error code the frontend maps to HTTP
/// (NoSuchKey, PreconditionFailed, InvalidPart, ...); <see cref="Trailers"/> carries facts S3 reports
/// as response headers (x-delete-marker, x-version-id).
/// </summary>
public sealed class NamespaceException : Exception
{
    public NamespaceException(NamespaceErrorKind kind, string code, IReadOnlyDictionary<string, string>? trailers = null)
        : base(code)
    {
        Kind = kind;
        Code = code;
        Trailers = trailers ?? new Dictionary<string, string>();
    }

    public NamespaceErrorKind Kind { get; }

    public string Code { get; }

    public IReadOnlyDictionary<string, string> Trailers { get; }

    public static NamespaceException NotFound(string code, IReadOnlyDictionary<string, string>? trailers = null) =>
        new(NamespaceErrorKind.NotFound, code, trailers);

    public static NamespaceException Precondition(string code, IReadOnlyDictionary<string, string>? trailers = null) =>
        new(NamespaceErrorKind.FailedPrecondition, code, trailers);

    public static NamespaceException Invalid(string code) => new(NamespaceErrorKind.InvalidArgument, code);
}

/// <summary>The S3 error codes this service produces, spelled once.</summary>
public static class ErrorCodes
{
    public const string NoSuchBucket = "NoSuchBucket";
    public const string NoSuchKey = "NoSuchKey";
    public const string NoSuchVersion = "NoSuchVersion";
    public const string NoSuchUpload = "NoSuchUpload";
    public const string BucketAlreadyOwnedByYou = "BucketAlreadyOwnedByYou";
    public const string BucketAlreadyExists = "BucketAlreadyExists";
    public const string BucketNotEmpty = "BucketNotEmpty";
    public const string PreconditionFailed = "PreconditionFailed";
    public const string InvalidPart = "InvalidPart";
    public const string InvalidPartOrder = "InvalidPartOrder";
    public const string EntityTooSmall = "EntityTooSmall";
    public const string MethodNotAllowed = "MethodNotAllowed";
    public const string InvalidBucketName = "InvalidBucketName";
    public const string KeyTooLong = "KeyTooLongError";
    public const string InvalidArgument = "InvalidArgument";
    public const string MalformedXml = "MalformedXML";

    public const string DeleteMarkerTrailer = "x-delete-marker";
    public const string VersionIdTrailer = "x-version-id";
}
