/* places.c: the divisions table of places.h, looked up in a sorted index
 * of its names built once (every word of every question is looked up, at
 * up to eleven lengths: a linear scan of the table took 3% of a query). */
#include "places.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Each row: a provincial-level division, then its prefecture-level ones. */
static const char *const ROWS[][2] = {
    {"北京", ""}, {"天津", ""}, {"上海", ""}, {"重庆", ""},
    {"河北", "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水"},
    {"山西", "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁"},
    {"内蒙古", "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善"},
    {"辽宁", "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛"},
    {"吉林", "长春 四平 辽源 通化 白山 松原 白城 延边"},
    {"黑龙江", "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭"},
    {"江苏", "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁"},
    {"浙江", "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水"},
    {"安徽", "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城"},
    {"福建", "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德"},
    {"江西", "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶"},
    {"山东", "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽 莱芜"},
    {"河南", "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源"},
    {"湖北", "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施 仙桃 潜江 天门 神农架"},
    {"湖南", "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西"},
    {"广东", "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮"},
    {"广西", "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左"},
    {"海南", "海口 三亚 三沙 儋州"},
    {"四川", "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山"},
    {"贵州", "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南"},
    {"云南", "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆"},
    {"西藏", "拉萨 日喀则 昌都 林芝 山南 那曲 阿里"},
    {"陕西", "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛"},
    {"甘肃", "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南"},
    {"青海", "西宁 海东 海北 黄南 果洛 玉树 海西"},
    {"宁夏", "银川 石嘴山 吴忠 固原 中卫"},
    {"新疆", "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子"},
    {"台湾", ""}, {"香港", ""}, {"澳门", ""},
};

/* Administrative units after a name, longest first (广西壮族自治区 before 区). */
static const char *const UNITS[] = {"维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区",
                                    "自治州", "地区", "省", "市", "盟"};

#define NROWS (sizeof ROWS / sizeof *ROWS)

/* A name of the table and the row it is in (its province's). */
typedef struct {
    const char *name;
    size_t len;
    unsigned row;
    int province;
} place_name;

/* More than the table's 372 names: build_index stops the program if an
 * edit of the table outgrows it (every test that looks up a place would). */
#define MAX_NAMES 512u

static place_name g_names[MAX_NAMES];
static size_t g_nnames;
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static int cmp_name(const char *a, size_t al, const char *b, size_t bl)
{
    if (al != bl)
        return al < bl ? -1 : 1;
    return memcmp(a, b, al);
}

static int cmp_entries(const void *x, const void *y)
{
    const place_name *a = x, *b = y;
    int c = cmp_name(a->name, a->len, b->name, b->len);
    /* a name two divisions share is read as the province (places.h) */
    return c ? c : b->province - a->province;
}

static void add_name(const char *name, size_t len, unsigned row, int province)
{
    if (!len)
        return;
    if (g_nnames == MAX_NAMES) {
        fprintf(stderr, "places.c: the table has more than MAX_NAMES (%u) names\n", MAX_NAMES);
        abort();
    }
    g_names[g_nnames++] = (place_name){name, len, row, province};
}

static void build_index(void)
{
    for (unsigned i = 0; i < NROWS; i++) {
        add_name(ROWS[i][0], strlen(ROWS[i][0]), i, 1);
        for (const char *p = ROWS[i][1]; *p;) {
            const char *end = strchr(p, ' ');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            add_name(p, n, i, 0);
            p += n + (end != NULL);
        }
    }
    qsort(g_names, g_nnames, sizeof *g_names, cmp_entries);
}

/* The entry for name[0..len) (the province's where two share it), or NULL. */
static const place_name *find(const char *name, size_t len)
{
    pthread_once(&g_once, build_index);
    size_t lo = 0, hi = g_nnames;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_name(g_names[mid].name, g_names[mid].len, name, len);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < g_nnames && !cmp_name(g_names[lo].name, g_names[lo].len, name, len) ? &g_names[lo] : NULL;
}

const char *sou_place_province(const char *name, size_t len)
{
    const place_name *p = len ? find(name, len) : NULL;
    return p && !p->province ? ROWS[p->row][0] : NULL;
}

int sou_place_is_division(const char *name, size_t len)
{
    return len && find(name, len) != NULL;
}

size_t sou_place_stem(const char *name, size_t len)
{
    for (size_t u = 0; u < sizeof UNITS / sizeof *UNITS; u++) {
        size_t k = strlen(UNITS[u]);
        if (len > k && !memcmp(name + len - k, UNITS[u], k) && sou_place_is_division(name, len - k))
            return len - k;
    }
    return len;
}
