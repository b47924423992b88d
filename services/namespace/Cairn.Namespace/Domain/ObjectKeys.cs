using System.Text;

namespace Cairn.Namespace.Domain;

/// <summary>
/// Keys are opaque UTF-8 byte strings compared in byte order (S3 order), never paths.
/// Byte-string arithmetic for seeking lives here.
/// </summary>
public static class ObjectKeys
{
    public const int MaxKeyBytes = 1024;

    public static byte[] Encode(string key) => Encoding.UTF8.GetBytes(key);

    public static string Decode(ReadOnlySpan<byte> key) => Encoding.UTF8.GetString(key);

    public static byte[] Validate(string key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
        }

        if (key.Contains('\0', StringComparison.Ordinal))
        {
            throw NamespaceException.Invalid(ErrorCodes.InvalidArgument);
        }

        var bytes = Encode(key);
        if (bytes.Length > MaxKeyBytes)
        {
            throw NamespaceException.Invalid(ErrorCodes.KeyTooLong);
        }

        return bytes;
    }

    /// <summary>The smallest byte string greater than <paramref name="key"/>: the key followed by 0x00.</summary>
    public static byte[] Successor(ReadOnlySpan<byte> key)
    {
        var next = new byte[key.Length + 1];
        key.CopyTo(next);
        return next;
    }

    /// <summary>
    /// The smallest byte string greater than every string starting with <paramref name="prefix"/>, or null when
    /// no such bound exists (empty prefix or all 0xFF). Listing seeks here to skip a whole common prefix.
    /// </summary>
    public static byte[]? PrefixEnd(ReadOnlySpan<byte> prefix)
    {
        for (var i = prefix.Length - 1; i >= 0; i--)
        {
            if (prefix[i] != 0xFF)
            {
                var end = prefix[..(i + 1)].ToArray();
                end[i]++;
                return end;
            }
        }

        return null;
    }

    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    public static byte[] Max(byte[] a, byte[] b) => Compare(a, b) >= 0 ? a : b;
}
