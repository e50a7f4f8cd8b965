package io.rebill.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ServerPathsTest {
    @Test
    void messagesKeepFileNamesAndLoseTheServersFolders() {
        assertThat(ServerPaths.withoutFolders("/srv/rebill/imports/8f1c/cur/cur-00001.csv.gz: line 3, column 7: bad date"))
                .isEqualTo("cur-00001.csv.gz: line 3, column 7: bad date");
        assertThat(ServerPaths.withoutFolders("cannot read '/home/x/.rebill/imports/a b/file.csv'"))
                .isEqualTo("cannot read 'a b/file.csv'");
        assertThat(ServerPaths.withoutFolders("no files in /data/imports/1234/cur/ (empty folder)"))
                .isEqualTo("no files in cur/ (empty folder)");
    }

    @Test
    void textWithoutPathsIsUnchanged() {
        assertThat(ServerPaths.withoutFolders("status Error: 3 of 4 periods and/or 2024/09 failed; see https://docs.example/x/y"))
                .isEqualTo("status Error: 3 of 4 periods and/or 2024/09 failed; see https://docs.example/x/y");
        assertThat(ServerPaths.withoutFolders("PUT /api/v1/sso to set it up, or POST /api/v1/managed_accounts/<id>/enter"))
                .isEqualTo("PUT /api/v1/sso to set it up, or POST /api/v1/managed_accounts/<id>/enter");
        assertThat(ServerPaths.withoutFolders(null)).isNull();
    }
}
