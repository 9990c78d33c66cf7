using QRCoder;

namespace Bulwark.Core.Accounts.Totp;

/// <summary>The otpauth URI as a QR code, as SVG markup and as PNG bytes (for pages whose CSP forbids inline SVG).</summary>
public static class TotpQrCode
{
    public static (string Svg, byte[] Png) Render(string otpauthUri)
    {
        using var generator = new QRCodeGenerator();
        // Medium error correction: the URI is short, and a denser code scans worse from a screen.
        using var data = generator.CreateQrCode(otpauthUri, QRCodeGenerator.ECCLevel.M);
        var svg = new SvgQRCode(data).GetGraphic(4);
        var png = new PngByteQRCode(data).GetGraphic(4);
        return (svg, png);
    }
}
