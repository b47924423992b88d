namespace Cairn.S3.Protocol;

/// <summary>Builds SigV4 presigned URLs (for tests and the admin CLI).</summary>
public static class PresignedUrl
{
    public static string Create(string method, Uri endpointBaseUri, string bucket, string key, string accessKey, string secret, string region, DateTimeOffset now, TimeSpan expires)
        => throw new NotImplementedException();
}
