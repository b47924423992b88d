using System.Xml;
using System.Xml.Linq;
using Cairn.S3.Protocol;

namespace Cairn.Frontend.Http;

/// <summary>
/// Reads request XML bodies defensively: size-capped before parsing, no DTD (so no entity expansion and no
/// external resolution), any parse error is MalformedXML.
/// </summary>
public static class RequestXml
{
    public sealed record Body(XDocument? Document, byte[] Bytes);

    public static async Task<Body> ReadAsync(S3Request request, int maxBytes)
    {
        var declared = request.Request.ContentLength;
        if (declared > maxBytes)
        {
            throw S3Errors.MalformedXML();
        }
        await using var payload = request.OpenPayload();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await payload.ReadAsync(chunk, request.Aborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw S3Errors.MalformedXML();
            }
            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.ToArray();
        return new Body(bytes.Length == 0 ? null : Parse(bytes, maxBytes), bytes);
    }

    public static XDocument Parse(byte[] bytes, int maxBytes)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxBytes,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            using var reader = XmlReader.Create(stream, settings);
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            throw S3Errors.MalformedXML();
        }
    }

    /// <summary>Child elements by local name: clients differ on whether they send the S3 namespace.</summary>
    public static IEnumerable<XElement> Children(this XElement element, string name) =>
        element.Elements().Where(e => e.Name.LocalName == name);

    public static string? ChildValue(this XElement element, string name) => element.Children(name).FirstOrDefault()?.Value;
}
