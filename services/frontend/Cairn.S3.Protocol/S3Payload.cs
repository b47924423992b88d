using Microsoft.AspNetCore.Http;

namespace Cairn.S3.Protocol;

/// <summary>Opens the verified request body for the payload mode the signature committed to.</summary>
public static class S3Payload
{
    public static S3PayloadStream Open(HttpRequest request, AuthContext auth) => throw S3Errors.NotImplemented("payload not yet wired");
}
