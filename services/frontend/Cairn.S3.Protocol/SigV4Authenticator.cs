using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol;

/// <summary>Verifies AWS Signature Version 4, from the Authorization header or a presigned query.</summary>
public sealed class SigV4Authenticator
{
    private readonly CredentialStore _creds;
    private readonly TimeProvider _time;

    public SigV4Authenticator(CredentialStore creds, TimeProvider time)
    {
        _creds = creds;
        _time = time;
    }

    public AuthContext Authenticate(HttpRequest request) => throw S3Errors.NotImplemented("SigV4 not yet wired");
}
