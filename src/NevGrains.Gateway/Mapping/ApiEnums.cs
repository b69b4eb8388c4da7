namespace NevGrains.Gateway.Mapping;

internal static class ApiEnums
{
    public static Api.V1.Powertrain Powertrain(Model.Data.Powertrain powertrain) => powertrain switch
    {
        Model.Data.Powertrain.Bev => Api.V1.Powertrain.Bev,
        Model.Data.Powertrain.Phev => Api.V1.Powertrain.Phev,
        _ => Api.V1.Powertrain.Other,
    };
}
