using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bulwark.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class CriticalProjects : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_download_counts_Day_ProjectId",
                table: "download_counts");

            migrationBuilder.AddColumn<long>(
                name: "CriticalEnforceAfter",
                table: "projects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "CriticalNotifiedAt",
                table: "projects",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "critical_overrides",
                columns: table => new
                {
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedByUserId = table.Column<long>(type: "INTEGER", nullable: true),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_critical_overrides", x => x.NormalizedName);
                });

            migrationBuilder.CreateIndex(
                name: "IX_projects_CriticalSince",
                table: "projects",
                column: "CriticalSince",
                filter: "\"CriticalSince\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_download_counts_ProjectId_Day_Count",
                table: "download_counts",
                columns: new[] { "ProjectId", "Day", "Count" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "critical_overrides");

            migrationBuilder.DropIndex(
                name: "IX_projects_CriticalSince",
                table: "projects");

            migrationBuilder.DropIndex(
                name: "IX_download_counts_ProjectId_Day_Count",
                table: "download_counts");

            migrationBuilder.DropColumn(
                name: "CriticalEnforceAfter",
                table: "projects");

            migrationBuilder.DropColumn(
                name: "CriticalNotifiedAt",
                table: "projects");

            migrationBuilder.CreateIndex(
                name: "IX_download_counts_Day_ProjectId",
                table: "download_counts",
                columns: new[] { "Day", "ProjectId" });
        }
    }
}
