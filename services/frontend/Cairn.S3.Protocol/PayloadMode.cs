namespace Cairn.S3.Protocol;

/// <summary>How the request body is protected, from the x-amz-content-sha256 header.</summary>
public enum PayloadMode
{
    /// <summary>UNSIGNED-PAYLOAD: the body is not covered by the signature.</summary>
    Unsigned,

    /// <summary>A hex SHA-256 of the whole body is signed; verified at EOF.</summary>
    Sha256,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD: aws-chunked, each chunk signed.</summary>
    StreamingSigned,

    /// <summary>STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER: signed chunks and a signed trailer.</summary>
    StreamingSignedTrailer,

    /// <summary>STREAMING-UNSIGNED-PAYLOAD-TRAILER: aws-chunked without chunk signatures, checksum in the trailer.</summary>
    StreamingUnsignedTrailer,
}
