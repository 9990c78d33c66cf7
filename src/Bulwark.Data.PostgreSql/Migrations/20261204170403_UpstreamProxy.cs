using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bulwark.Data.PostgreSql.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Introduced = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Fixed = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LastAffected = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ImportedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_blocked_upstream_versions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "upstream_pages",
                columns: table => new
                {
                    NormalizedName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    UpstreamUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ETag = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CheckedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Listing = table.Column<string>(type: "text", nullable: false)
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
