using System.Text;

namespace Namespace.Tests.Model;

/// <summary>S3 key order: UTF-8 bytes, compared unsigned (not UTF-16 code units, which differ above U+FFFF).</summary>
public sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y) =>
        Encoding.UTF8.GetBytes(x ?? "").AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y ?? ""));
}
