using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Bulwark.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class UpstreamProxy : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "blocked_upstream_versions",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Source = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Introduced = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Fixed = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    LastAffected = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ImportedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blocked_upstream_versions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "upstream_pages",
                columns: table => new
                {
                    NormalizedName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpstreamUrl = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ETag = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CheckedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Listing = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_upstream_pages", x => x.NormalizedName);
                });

            migrationBuilder.CreateIndex(
                name: "IX_blocked_upstream_versions_NormalizedName",
                table: "blocked_upstream_versions",
                column: "NormalizedName");

            migrationBuilder.CreateIndex(
                name: "IX_blocked_upstream_versions_Source",
                table: "blocked_upstream_versions",
                column: "Source");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "blocked_upstream_versions");

            migrationBuilder.DropTable(
                name: "upstream_pages");
        }
    }
}
