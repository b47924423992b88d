using Cairn.Namespace.Domain;

namespace Cairn.Namespace.Store;

/// <summary>Delimiter roll-up: where an ordered scan resumes after a row, skipping its whole common prefix.</summary>
internal static class RollUp
{
    /// <summary>Where the scan resumes after <paramref name="key"/>: past its common prefix when it has one.</summary>
    public static byte[]? NextStart(byte[] key, int prefixLength, byte[] delimiter)
    {
        var at = key.AsSpan(prefixLength).IndexOf(delimiter);
        return at < 0 ? ObjectKeys.Successor(key) : ObjectKeys.PrefixEnd(key.AsSpan(0, prefixLength + at + delimiter.Length));
    }
}
