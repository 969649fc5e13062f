// What the demo network holds, as data: a facility of every kind Art. 6
// names (the city office, the system administrator's, is the bootstrap's),
// a facility manager and a user at each, an admin manager and a hospital
// manager, three people cared for at home with their consent, two rooms
// with posts in several of Art. 8's categories and a Form 8 still waiting,
// and one partner network. Every name is invented; the codes pass the
// network's checks but belong to no real facility.
import { luhnCheckDigit } from '../../lib/exchange/jp-identifiers';

/** A 医療機関コード for Toyama (16) with the given fee-schedule digit and six digits, completed with its check digit. */
const medicalCode = (feeSchedule: string, six: string) =>
  `16${feeSchedule}${six}${luhnCheckDigit(`16${feeSchedule}${six}`)}`;

export const demoFacilities = [
  // A core hospital (Art. 4-2): its hospital manager decides rooms.
  {
    key: 'hospital',
    name: '高岡市民病院 (デモ)',
    kind: 'MEDICAL_INSTITUTION',
    address: '高岡市宝町4-1',
    medicalInstitutionCode: medicalCode('1', '012345'),
  },
  {
    key: 'clinic',
    name: '末広町在宅クリニック (デモ)',
    kind: 'MEDICAL_INSTITUTION',
    address: '高岡市末広町1-8',
    medicalInstitutionCode: medicalCode('1', '098765'),
  },
  { key: 'midwifery', name: '助産院こもれび (デモ)', kind: 'MIDWIFERY_HOME', address: '高岡市中川1-2-3' },
  {
    key: 'pharmacy',
    name: '駅前すずらん薬局 (デモ)',
    kind: 'PHARMACY',
    address: '高岡市下関町4-55',
    medicalInstitutionCode: medicalCode('4', '054321'),
  },
  {
    key: 'care',
    name: '居宅介護支援センターひまわり (デモ)',
    kind: 'CARE_INSURANCE_SERVICE',
    address: '高岡市博労本町2-10',
    careProviderNumber: '1670100123',
  },
  {
    key: 'disability',
    name: '相談支援事業所こすぎ (デモ)',
    kind: 'DISABILITY_WELFARE_SERVICE',
    address: '高岡市京田4-1',
  },
  {
    key: 'child',
    name: '高岡子ども家庭支援センター (デモ)',
    kind: 'CHILD_WELFARE_FACILITY',
    address: '高岡市広小路7-50',
  },
  { key: 'education', name: '高岡市立伏木小学校 (デモ)', kind: 'EDUCATION_BODY', address: '高岡市伏木錦町11-1' },
] as const;

export type FacilityKey = (typeof demoFacilities)[number]['key'] | 'cityOffice';

export interface PersonSpec {
  key: string;
  name: string;
  nameKana: string;
  /** What the person does, for the people file (the network models roles, not professions). */
  job: string;
}

/** The facility manager and the user of each facility, by facility key. */
export const staff: Record<(typeof demoFacilities)[number]['key'], { manager: PersonSpec; user: PersonSpec }> = {
  hospital: {
    manager: { key: 'hospitalFacilityManager', name: '戸出 裕子', nameKana: 'トイデ ユウコ', job: '地域医療連携室長' },
    user: { key: 'hospitalDoctor', name: '中田 健一', nameKana: 'ナカタ ケンイチ', job: '医師 (循環器内科)' },
  },
  clinic: {
    manager: { key: 'clinicFacilityManager', name: '末広 和夫', nameKana: 'スエヒロ カズオ', job: '院長' },
    user: { key: 'clinicNurse', name: '佐野 陽子', nameKana: 'サノ ヨウコ', job: '訪問看護師' },
  },
  midwifery: {
    manager: { key: 'midwiferyFacilityManager', name: '二上 春香', nameKana: 'フタガミ ハルカ', job: '院長 (助産師)' },
    user: { key: 'midwife', name: '守山 真理', nameKana: 'モリヤマ マリ', job: '助産師' },
  },
  pharmacy: {
    manager: { key: 'pharmacyFacilityManager', name: '大野 修', nameKana: 'オオノ オサム', job: '管理薬剤師' },
    user: { key: 'pharmacist', name: '野村 綾', nameKana: 'ノムラ アヤ', job: '薬剤師 (在宅訪問)' },
  },
  care: {
    manager: { key: 'careFacilityManager', name: '吉久 正', nameKana: 'ヨシヒサ タダシ', job: '管理者' },
    user: {
      key: 'careManager',
      name: '福岡 美咲',
      nameKana: 'フクオカ ミサキ',
      job: '介護支援専門員 (ケアマネジャー)',
    },
  },
  disability: {
    manager: { key: 'disabilityFacilityManager', name: '小杉 浩', nameKana: 'コスギ ヒロシ', job: '管理者' },
    user: { key: 'supportPlanner', name: '石瀬 直樹', nameKana: 'イシゼ ナオキ', job: '相談支援専門員' },
  },
  child: {
    manager: { key: 'childFacilityManager', name: '木津 恵', nameKana: 'キヅ メグミ', job: 'センター長' },
    user: { key: 'childWorker', name: '博労 玲奈', nameKana: 'バクロウ レイナ', job: '家庭相談員' },
  },
  education: {
    manager: { key: 'schoolFacilityManager', name: '横田 聡', nameKana: 'ヨコタ サトシ', job: '教頭' },
    user: { key: 'schoolNurse', name: '能町 優', nameKana: 'ノウマチ ユウ', job: '養護教諭' },
  },
};

export const adminManagerSpec: PersonSpec & { orgUnitCode: string } = {
  key: 'adminManager',
  name: '射水 恵子',
  nameKana: 'イミズ ケイコ',
  job: '社会福祉課 (行政管理者)',
  orgUnitCode: 'shakai-fukushi',
};

export const hospitalManagerSpec: PersonSpec & { orgUnitCode: string } = {
  key: 'hospitalManager',
  name: '伏木 誠',
  nameKana: 'フシキ マコト',
  job: '高岡市民病院 (病院管理者)',
  orgUnitCode: 'takaoka-shimin',
};

/** The person the walkthrough signs in as on the demo network: a member of the first room. */
export const tryFirstKey = 'careManager';

export type PostCategory =
  | 'BASIC'
  | 'FAMILY'
  | 'MEDICAL'
  | 'CARE_SERVICES'
  | 'HEALTH_PROGRAMS'
  | 'PHYSICAL_LIVING_FUNCTION'
  | 'HOUSING'
  | 'COORDINATION'
  | 'OTHER';

export interface SubjectSpec {
  name: string;
  nameKana: string;
  birthDate: string;
  sex: 'FEMALE' | 'MALE';
  category: 'RECEIVING_HOME_SUPPORT' | 'EXPECTED_TO_NEED_SUPPORT';
  /** The user who registers the subject, explains (Form 6), records Form 7 and asks for the room (Form 8). */
  registeredBy: string;
  signature: { signedBy: 'SUBJECT' } | { signedBy: 'FAMILY'; signerName: string; relationship: string };
  purposes: string[];
  room: {
    title: string;
    members: string[];
    /** Who approves the Form 8 after the submitter's facility manager confirmed it; absent: it waits for them. */
    approvedBy?: string;
    posts: Array<{ by: string; category: PostCategory; body: string }>;
    meeting?: { by: string; inDays: number; agenda: string };
  };
}

// Rooms are listed newest first: 高岡 太郎's, the fullest, is seeded last, so the walkthrough shows it.
export const demoSubjects: SubjectSpec[] = [
  {
    name: '伏木 花子',
    nameKana: 'フシキ ハナコ',
    birthDate: '1958-09-12',
    sex: 'FEMALE',
    category: 'RECEIVING_HOME_SUPPORT',
    registeredBy: 'supportPlanner',
    signature: { signedBy: 'FAMILY', signerName: '伏木 一郎', relationship: '夫' },
    purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS', 'ANSWER_PROVIDER_ENQUIRIES'],
    room: {
      title: '伏木 花子さんの地域生活支援',
      members: ['supportPlanner', 'clinicNurse', 'pharmacist', 'careManager'],
      approvedBy: 'adminManager',
      posts: [
        { by: 'supportPlanner', category: 'BASIC', body: '身体障害者手帳2級。夫と二人暮らし。' },
        {
          by: 'supportPlanner',
          category: 'HOUSING',
          body: '玄関の段差にスロープを付ける住宅改修を申請中です(来月工事予定)。',
        },
        { by: 'clinicNurse', category: 'HEALTH_PROGRAMS', body: '市の健康教室(リハビリ体操)に月2回参加を勧めました。' },
        { by: 'pharmacist', category: 'OTHER', body: '一包化に切り替えました。次回の訪問は15日です。' },
      ],
    },
  },
  {
    name: '姫野 ゆい',
    nameKana: 'ヒメノ ユイ',
    birthDate: '2025-06-01',
    sex: 'FEMALE',
    category: 'EXPECTED_TO_NEED_SUPPORT',
    registeredBy: 'childWorker',
    signature: { signedBy: 'FAMILY', signerName: '姫野 さくら', relationship: '母' },
    purposes: ['PREGNANCY_TO_CHILD_REARING_SUPPORT', 'COORDINATE_PROVIDERS'],
    // Left waiting for the child-welfare centre's facility manager to confirm, then a decider: so both can try it.
    room: { title: '姫野 ゆいちゃんの子育て支援', members: ['childWorker', 'midwife', 'schoolNurse'], posts: [] },
  },
  {
    name: '高岡 太郎',
    nameKana: 'タカオカ タロウ',
    birthDate: '1940-04-01',
    sex: 'MALE',
    category: 'RECEIVING_HOME_SUPPORT',
    registeredBy: 'careManager',
    signature: { signedBy: 'SUBJECT' },
    purposes: ['PROVIDE_SERVICES', 'COORDINATE_PROVIDERS', 'EXPLAIN_TO_FAMILY', 'SERVICE_STAFF_MEETINGS'],
    room: {
      title: '高岡 太郎さんの在宅療養',
      members: ['careManager', 'hospitalDoctor', 'clinicNurse', 'pharmacist'],
      approvedBy: 'hospitalManager',
      posts: [
        {
          by: 'hospitalDoctor',
          category: 'MEDICAL',
          body: '退院時の要点: 心不全で入院し、利尿薬を調整しました。体重が3日で2kg以上増えたらご連絡ください。',
        },
        {
          by: 'clinicNurse',
          category: 'PHYSICAL_LIVING_FUNCTION',
          body: '訪問しました。室内は歩行器で自立。夜間のトイレでふらつきがあり、足元灯を提案しました。',
        },
        {
          by: 'pharmacist',
          category: 'COORDINATION',
          body: 'お薬カレンダーで服薬管理を始めました。飲み忘れは週1回ほど。訪問日を看護師さんと揃えます。',
        },
        { by: 'careManager', category: 'FAMILY', body: '長女さんが週末に来られます。平日の日中はお一人です。' },
        {
          by: 'careManager',
          category: 'CARE_SERVICES',
          body: '訪問介護を週3回から週4回(月・水・金・土)に増やします。来週の担当者会議で確認します。',
        },
      ],
      meeting: { by: 'careManager', inDays: 7, agenda: 'サービス担当者会議: 退院後1か月の振り返り' },
    },
  },
];

export const demoPartner = {
  name: '氷見市多職種ネット (デモ)',
  fhirBaseUrl: 'https://himi.example/fhir',
  requesterSystem: 'https://himi.example/requests',
  userSystem: 'https://himi.example/users',
};
