using System.Text.Json.Serialization;

namespace NevGrains.Model.Data;

/// <summary>The three nests of the powertrain choice. EREVs count as PHEV for demand (but as BEV for the EU duty: see tariff rules).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Powertrain>))]
public enum Powertrain
{
    [JsonStringEnumMemberName("BEV")] Bev = 0,
    [JsonStringEnumMemberName("PHEV")] Phev = 1,
    /// <summary>Petrol, diesel and non-plug-in hybrids: the reference alternative.</summary>
    [JsonStringEnumMemberName("OTHER")] Other = 2,
}

public static class Powertrains
{
    public const int Count = 3;

    public static readonly Powertrain[] All = [Powertrain.Bev, Powertrain.Phev, Powertrain.Other];

    public static bool IsNev(this Powertrain powertrain) => powertrain != Powertrain.Other;

    public static string Code(this Powertrain powertrain) => powertrain switch
    {
        Powertrain.Bev => "BEV",
        Powertrain.Phev => "PHEV",
        _ => "OTHER",
    };

    public static bool TryParse(string? text, out Powertrain powertrain)
    {
        switch (text?.Trim().ToUpperInvariant())
        {
            case "BEV": powertrain = Powertrain.Bev; return true;
            case "PHEV" or "EREV": powertrain = Powertrain.Phev; return true;
            case "OTHER" or "ICE" or "HEV": powertrain = Powertrain.Other; return true;
            default: powertrain = default; return false;
        }
    }
}
