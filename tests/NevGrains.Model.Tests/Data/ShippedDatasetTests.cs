using NevGrains.Model.Data;

namespace NevGrains.Model.Tests.Data;

/// <summary>The baseline shipped in data/baseline/ (embedded in the model library).</summary>
public sealed class ShippedDatasetTests
{
    private static readonly Dataset Shipped = DatasetLoader.LoadEmbeddedBaseline();

    [Fact]
    public void It_validates_without_errors_or_warnings()
    {
        var report = DatasetValidator.Validate(Shipped);

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void It_covers_the_brands_and_every_market_the_brief_names()
    {
        string[] markets = ["hu", "no", "se", "dk", "pt", "gr", "cy", "bg", "pl", "th", "br", "in", "cl", "uz", "eg", "de", "fr", "it", "es", "uk", "tr", "mx", "au", "id"];
        string[] brands = ["byd", "saic", "chery", "geely", "nio", "xpeng", "leapmotor", "li-auto", "other-cn"];
        string[] competitors = ["tesla", "vw-group", "stellantis", "toyota", "hyundai-kia", "local-others"];

        Assert.All(markets, id => Assert.NotNull(Shipped.FindMarket(id)));
        Assert.All(brands, id => Assert.NotNull(Shipped.FindBrand(id)));
        Assert.Equal(competitors.Order(), Shipped.Competitors.Select(c => c.Id).Order());
        Assert.False(string.IsNullOrWhiteSpace(Shipped.Version));
    }

    [Fact]
    public void It_keeps_the_eu_duties_and_the_national_export_figures_with_their_sources()
    {
        var eu = Shipped.Tariffs.Single(t => t.Jurisdiction == "eu");
        var byd = eu.Rules.Single(r => r.Group == "eu-cvd" && r.Brands.OrEmpty().SequenceEqual(["byd"]));
        var exports = Shipped.Manifest.Conflicts.Single(c => c.Id.Contains("china-nev-exports", StringComparison.Ordinal));

        Assert.Equal(0.17, byd.AdValorem.Value, 6);
        Assert.Equal([Powertrain.Bev], byd.Powertrains.OrEmpty());
        Assert.Equal(DataStatus.V, byd.AdValorem.Status);
        Assert.Contains(exports.Values, v => v.Value == 3_430_000);
        Assert.Contains(exports.Values, v => v.Value == 2_615_000);
        Assert.Contains(Shipped.Sources, s => s.Id == byd.AdValorem.Source && s.Kind == SourceKind.Source);
    }
}
