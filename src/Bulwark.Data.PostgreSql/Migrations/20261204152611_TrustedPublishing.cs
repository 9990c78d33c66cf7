using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Bulwark.Data.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class TrustedPublishing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "trusted_publishers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Issuer = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Audience = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Repository = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    RepositoryOwnerId = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    WorkflowPath = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Environment = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    RequiredClaims = table.Column<List<string>>(type: "text[]", nullable: false),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    IdentityUserId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_trusted_publishers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_trusted_publishers_users_IdentityUserId",
                        column: x => x.IdentityUserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "used_oidc_tokens",
                columns: table => new
                {
                    Issuer = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Jti = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_used_oidc_tokens", x => new { x.Issuer, x.Jti });
                });

            migrationBuilder.CreateTable(
                name: "minted_tokens",
                columns: table => new
                {
                    TokenId = table.Column<Guid>(type: "uuid", nullable: false),
                    PublisherId = table.Column<long>(type: "bigint", nullable: false),
                    MintedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Issuer = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Subject = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Repository = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Workflow = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Ref = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true),
                    Sha = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    RunId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Environment = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_minted_tokens", x => x.TokenId);
                    table.ForeignKey(
                        name: "FK_minted_tokens_api_tokens_TokenId",
                        column: x => x.TokenId,
                        principalTable: "api_tokens",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_minted_tokens_trusted_publishers_PublisherId",
                        column: x => x.PublisherId,
                        principalTable: "trusted_publishers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "pending_publishers",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PublisherId = table.Column<long>(type: "bigint", nullable: false),
                    ProjectName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    NormalizedName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AddedByUserId = table.Column<long>(type: "bigint", nullable: false),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_pending_publishers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_pending_publishers_trusted_publishers_PublisherId",
                        column: x => x.PublisherId,
                        principalTable: "trusted_publishers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_pending_publishers_users_AddedByUserId",
                        column: x => x.AddedByUserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "project_publishers",
                columns: table => new
                {
                    ProjectId = table.Column<long>(type: "bigint", nullable: false),
                    PublisherId = table.Column<long>(type: "bigint", nullable: false),
                    AddedByUserId = table.Column<long>(type: "bigint", nullable: true),
                    AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_project_publishers", x => new { x.ProjectId, x.PublisherId });
                    table.ForeignKey(
                        name: "FK_project_publishers_projects_ProjectId",
                        column: x => x.ProjectId,
                        principalTable: "projects",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_project_publishers_trusted_publishers_PublisherId",
                        column: x => x.PublisherId,
                        principalTable: "trusted_publishers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_project_publishers_users_AddedByUserId",
                        column: x => x.AddedByUserId,
                        principalTable: "users",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_minted_tokens_PublisherId_MintedAt",
                table: "minted_tokens",
                columns: new[] { "PublisherId", "MintedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_pending_publishers_AddedByUserId",
                table: "pending_publishers",
                column: "AddedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_pending_publishers_NormalizedName_PublisherId",
                table: "pending_publishers",
                columns: new[] { "NormalizedName", "PublisherId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_pending_publishers_PublisherId",
                table: "pending_publishers",
                column: "PublisherId");

            migrationBuilder.CreateIndex(
                name: "IX_project_publishers_AddedByUserId",
                table: "project_publishers",
                column: "AddedByUserId");

            migrationBuilder.CreateIndex(
                name: "IX_project_publishers_PublisherId",
                table: "project_publishers",
                column: "PublisherId");

            migrationBuilder.CreateIndex(
                name: "IX_trusted_publishers_IdentityUserId",
                table: "trusted_publishers",
                column: "IdentityUserId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_trusted_publishers_Issuer_Repository",
                table: "trusted_publishers",
                columns: new[] { "Issuer", "Repository" });

            migrationBuilder.CreateIndex(
                name: "IX_trusted_publishers_Key",
                table: "trusted_publishers",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_used_oidc_tokens_ExpiresAt",
                table: "used_oidc_tokens",
                column: "ExpiresAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "minted_tokens");

            migrationBuilder.DropTable(
                name: "pending_publishers");

            migrationBuilder.DropTable(
                name: "project_publishers");

            migrationBuilder.DropTable(
                name: "used_oidc_tokens");

            migrationBuilder.DropTable(
                name: "trusted_publishers");
        }
    }
}
