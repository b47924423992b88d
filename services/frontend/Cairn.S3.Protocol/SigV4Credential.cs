namespace Cairn.S3.Protocol;

/// <summary>The parsed "AK/yyyyMMdd/region/s3/aws4_request" credential of a SigV4 request.</summary>
internal sealed record SigV4Credential(string AccessKey, string Date, string Region)
{
    public string Scope => $"{Date}/{Region}/{SigV4Signing.Service}/{SigV4Signing.Terminator}";

    /// <summary>Parses a credential; <paramref name="error"/> builds the S3 error for the auth style in use.</summary>
    public static SigV4Credential Parse(string credential, Func<string, S3Exception> error)
    {
        // The access key itself never contains '/', so split from the right is unnecessary; exactly 5 parts.
        var parts = credential.Split('/');
        if (parts.Length != 5 || parts[0].Length == 0)
        {
            throw error($"Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
        }

        if (parts[1].Length != 8 || !parts[1].All(char.IsAsciiDigit))
        {
            throw error($"Error parsing the X-Amz-Credential parameter; incorrect date format \"{parts[1]}\". This date in the credential must be in the format \"yyyyMMdd\".");
        }

        if (parts[2].Length == 0)
        {
            throw error("Error parsing the X-Amz-Credential parameter; the region is empty.");
        }

        if (!string.Equals(parts[3], SigV4Signing.Service, StringComparison.Ordinal))
        {
            throw error($"Error parsing the X-Amz-Credential parameter; incorrect service \"{parts[3]}\". This endpoint belongs to \"s3\".");
        }

        if (!string.Equals(parts[4], SigV4Signing.Terminator, StringComparison.Ordinal))
        {
            throw error($"Error parsing the X-Amz-Credential parameter; incorrect terminal \"{parts[4]}\". This endpoint uses \"aws4_request\".");
        }

        return new SigV4Credential(parts[0], parts[1], parts[2]);
    }
}
