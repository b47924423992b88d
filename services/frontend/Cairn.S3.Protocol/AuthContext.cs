namespace Cairn.S3.Protocol;

/// <summary>
/// The outcome of a successful SigV4 check: who signed, how the body is protected, and the
/// material the payload reader needs to verify chunk and trailer signatures.
/// </summary>
/// <param name="Scope">The credential scope "yyyyMMdd/region/s3/aws4_request".</param>
/// <param name="SigningKey">HMAC key derived from the secret for this scope (never log it).</param>
/// <param name="SeedSignature">The request signature; the first link of the aws-chunked signature chain.</param>
public sealed record AuthContext(
    string AccessKey,
    PayloadMode Payload,
    string? PayloadSha256Hex,
    bool Presigned,
    DateTimeOffset RequestTime,
    string Scope,
    byte[] SigningKey,
    string SeedSignature);
