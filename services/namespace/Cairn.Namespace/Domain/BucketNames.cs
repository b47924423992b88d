namespace Cairn.Namespace.Domain;

/// <summary>S3 bucket naming rules (general purpose buckets).</summary>
public static class BucketNames
{
    public static void Validate(string name)
    {
        if (!IsValid(name))
        {
            throw NamespaceException.Invalid(ErrorCodes.InvalidBucketName);
        }
    }

    public static bool IsValid(string name)
    {
        if (name.Length is < 3 or > 63)
        {
            return false;
        }

        if (!IsAlnum(name[0]) || !IsAlnum(name[^1]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!IsAlnum(c) && c != '-' && c != '.')
            {
                return false;
            }
        }

        // Dots next to each other or to a dash make names that are not valid DNS labels.
        return !name.Contains("..", StringComparison.Ordinal)
            && !name.Contains(".-", StringComparison.Ordinal)
            && !name.Contains("-.", StringComparison.Ordinal);
    }

    private static bool IsAlnum(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
}
