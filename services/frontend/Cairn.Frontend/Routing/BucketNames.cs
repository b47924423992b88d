using Cairn.S3.Protocol;

namespace Cairn.Frontend.Routing;

/// <summary>The S3 bucket naming rules (general purpose buckets).</summary>
public static class BucketNames
{
    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-' || c == '.'))
            {
                return false;
            }
        }
        if (!char.IsAsciiLetterOrDigit(name[0]) || !char.IsAsciiLetterOrDigit(name[^1]))
        {
            return false;
        }
        if (name.Contains("..", StringComparison.Ordinal) || name.StartsWith("xn--", StringComparison.Ordinal)
            || name.EndsWith("-s3alias", StringComparison.Ordinal))
        {
            return false;
        }
        // Names formatted as IPv4 addresses are refused by S3.
        return !System.Net.IPAddress.TryParse(name, out var ip) || ip.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork
            || name.Count(c => c == '.') != 3;
    }

    public static void Validate(string name)
    {
        if (!IsValid(name))
        {
            throw S3Errors.InvalidBucketName(name);
        }
    }
}
