namespace Cairn.S3.Protocol;

/// <summary>
/// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=a;b, Signature=hex". Separators are ',' with
/// optional spaces, in any order, as the SDKs vary in spacing.
/// </summary>
internal sealed record SigV4AuthorizationHeader(SigV4Credential Credential, IReadOnlyList<string> SignedHeaders, string Signature)
{
    public static SigV4AuthorizationHeader Parse(string header)
    {
        var rest = header.AsSpan(SigV4Signing.Algorithm.Length).Trim();
        string? credential = null, signedHeaders = null, signature = null;
        foreach (var range in rest.Split(','))
        {
            var item = rest[range].Trim();
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                throw Malformed();
            }

            var key = item[..eq].Trim();
            var value = item[(eq + 1)..].Trim().ToString();
            if (key.SequenceEqual("Credential"))
            {
                credential = value;
            }
            else if (key.SequenceEqual("SignedHeaders"))
            {
                signedHeaders = value;
            }
            else if (key.SequenceEqual("Signature"))
            {
                signature = value;
            }
            else
            {
                throw Malformed();
            }
        }

        if (credential is null || signedHeaders is null || signature is null)
        {
            throw Malformed();
        }

        var cred = SigV4Credential.Parse(credential, S3Errors.AuthorizationHeaderMalformed);
        var names = ParseSignedHeaders(signedHeaders) ?? throw Malformed();
        if (!SigV4Signing.IsLowerHex64(signature))
        {
            throw Malformed();
        }

        return new SigV4AuthorizationHeader(cred, names, signature);

        static S3Exception Malformed() => S3Errors.AuthorizationHeaderMalformed("The authorization header is malformed; the authorization header requires three components: Credential, SignedHeaders, and Signature.");
    }

    /// <summary>Lower-case, sorted, de-duplicated names; null when the list is empty or malformed.</summary>
    public static IReadOnlyList<string>? ParseSignedHeaders(string value)
    {
        var names = value.Split(';');
        if (names.Length == 0)
        {
            return null;
        }

        for (var i = 0; i < names.Length; i++)
        {
            var n = names[i].Trim();
            if (n.Length == 0)
            {
                return null;
            }

            names[i] = n.ToLowerInvariant();
        }

        Array.Sort(names, StringComparer.Ordinal);
        return names.Distinct(StringComparer.Ordinal).ToArray();
    }
}
