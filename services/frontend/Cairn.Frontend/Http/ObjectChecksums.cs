using Cairn.Namespace.V1;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>
/// Whole-object checksums as S3 reports them. A single PUT stores its values; a COMPOSITE multipart object
/// stores only its algorithm (the namespace stitches metadata and knows no checksum maths), so its value, the
/// checksum of the parts' checksums suffixed "-N", is derived here from the parts it is made of.
/// </summary>
public static class ObjectChecksums
{
    public const string Composite = "COMPOSITE";

    public static IEnumerable<(ChecksumAlgorithm Algorithm, string Value)> Of(ObjectVersion version)
    {
        foreach (var (name, value) in version.Checksums)
        {
            if (!S3Checksums.TryParseAlgorithm(name, out var algorithm))
            {
                continue;
            }
            if (value.Length > 0)
            {
                yield return (algorithm, value);
            }
            else if (IsComposite(version) && version.Parts.Count > 0 && version.Parts.All(p => HasValue(p, name)))
            {
                var parts = version.Parts.OrderBy(p => p.PartNumber).Select(p => p.Checksums[name]);
                yield return (algorithm, S3Checksums.Composite(algorithm, parts));
            }
        }
    }

    private static bool IsComposite(ObjectVersion version) =>
        string.Equals(version.ChecksumType, Composite, StringComparison.OrdinalIgnoreCase);

    private static bool HasValue(ObjectPart part, string name) =>
        part.Checksums.TryGetValue(name, out var v) && v.Length > 0;
}
