namespace Workflows.Designer.Components.Administration;

/// <summary>The labels of the administration pages (calendars, migration, departments): AdministrationText.resx (Vietnamese) and .en.resx.</summary>
public sealed class AdministrationText;
