using System.Security.Cryptography;

namespace Cairn.Namespace.Domain;

/// <summary>Version and upload identifiers.</summary>
public static class Identifiers
{
    public const string NullVersion = "null";

    /// <summary>
    /// Time-ordered and unique: milliseconds, then the store's commit sequence (unique per store), then random bits
    /// so ids do not reveal how many versions exist in between. Newest-first ordering itself uses the sequence.
    /// </summary>
    public static string NewVersionId(long unixMs, long sequence)
    {
        Span<byte> random = stackalloc byte[4];
        RandomNumberGenerator.Fill(random);
        return $"{unixMs:x12}{sequence:x12}{Convert.ToHexStringLower(random)}";
    }

    /// <summary>128 random bits: an upload id is a capability, it must not be guessable.</summary>
    public static string NewUploadId()
    {
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        return Convert.ToHexStringLower(random);
    }
}
